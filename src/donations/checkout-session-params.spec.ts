import { checkoutIdempotencyKey, checkoutSessionParams } from './checkout-session-params';

const donation = { id: 'd-1', amount: 500, currency: 'gbp', articleId: 'a-1', appealId: 'default' };
const metadata = { donationId: 'd-1', articleId: 'a-1', appealId: 'default' };

describe('checkoutSessionParams', () => {
  it('opens a one-off gift in payment mode with a donate button and metadata on the PaymentIntent', () => {
    const params = checkoutSessionParams({ ...donation, frequency: 'one_off' }, { email: 'a@example.test' }, 'https://site');
    expect(params).toEqual({
      mode: 'payment',
      submit_type: 'donate',
      client_reference_id: 'd-1',
      metadata,
      payment_intent_data: { metadata },
      line_items: [{ quantity: 1, price_data: { currency: 'gbp', unit_amount: 500, product_data: { name: 'One-off donation' } } }],
      success_url: 'https://site/support/thank-you?donation=d-1',
      cancel_url: 'https://site/support/cancelled?donation=d-1',
      customer_email: 'a@example.test',
    });
  });

  it('opens monthly and annual gifts in subscription mode with an inline recurring price', () => {
    const monthly = checkoutSessionParams({ ...donation, frequency: 'monthly' }, { customerId: 'cus_1' }, 'https://site');
    expect(monthly).toEqual(
      expect.objectContaining({ mode: 'subscription', customer: 'cus_1', subscription_data: { metadata } }),
    );
    expect(monthly).not.toHaveProperty('submit_type');
    expect(monthly).not.toHaveProperty('payment_intent_data');
    expect(monthly).not.toHaveProperty('customer_email');
    expect(monthly.line_items?.[0].price_data?.recurring).toEqual({ interval: 'month' });
    const annual = checkoutSessionParams({ ...donation, frequency: 'annual' }, {}, 'https://site');
    expect(annual.line_items?.[0].price_data?.recurring).toEqual({ interval: 'year' });
    expect(annual).not.toHaveProperty('customer');
  });

  it('derives the idempotency key from the donation id alone', () => {
    expect(checkoutIdempotencyKey('d-1')).toBe(checkoutIdempotencyKey('d-1'));
    expect(checkoutIdempotencyKey('d-1')).not.toBe(checkoutIdempotencyKey('d-2'));
  });
});
