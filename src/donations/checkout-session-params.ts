import type Stripe from 'stripe';
import { Frequency, RECURRING_INTERVAL } from './donation-terms';

export interface CheckoutDonation {
  id: string;
  amount: number;
  currency: string;
  frequency: Frequency;
  articleId: string;
  appealId: string;
}

export interface CheckoutDonor {
  /** The signed-in donor's Stripe customer. */
  customerId?: string;
  /** An anonymous donor's receipt address. */
  email?: string;
}

const LINE_ITEM_NAMES: Record<Frequency, string> = {
  one_off: 'One-off donation',
  monthly: 'Monthly donation',
  annual: 'Annual donation',
};

/** Success and cancel pages live on the public site; nothing from the request goes into them. */
export function donationPageUrls(publicSiteUrl: string, donationId: string): { successUrl: string; cancelUrl: string } {
  const query = `donation=${encodeURIComponent(donationId)}`;
  return { successUrl: `${publicSiteUrl}/support/thank-you?${query}`, cancelUrl: `${publicSiteUrl}/support/cancelled?${query}` };
}

/** The idempotency key of a donation's Checkout Session: a retry of the same donation never opens a second one. */
export function checkoutIdempotencyKey(donationId: string): string {
  return `donation-checkout-${donationId}`;
}

/**
 * The Checkout Session for a donation: `payment` mode with a donate button for
 * a one-off gift, `subscription` mode with an inline recurring price otherwise.
 * The donation, article and appeal ids travel on the session and on the
 * PaymentIntent or Subscription it creates, so every later event names them.
 */
export function checkoutSessionParams(
  donation: CheckoutDonation,
  donor: CheckoutDonor,
  publicSiteUrl: string,
): Stripe.Checkout.SessionCreateParams {
  const metadata = { donationId: donation.id, articleId: donation.articleId, appealId: donation.appealId };
  const { successUrl, cancelUrl } = donationPageUrls(publicSiteUrl, donation.id);
  const priceData: Stripe.Checkout.SessionCreateParams.LineItem.PriceData = {
    currency: donation.currency,
    unit_amount: donation.amount,
    product_data: { name: LINE_ITEM_NAMES[donation.frequency] },
  };
  const common: Stripe.Checkout.SessionCreateParams = {
    client_reference_id: donation.id,
    metadata,
    success_url: successUrl,
    cancel_url: cancelUrl,
    ...(donor.customerId ? { customer: donor.customerId } : donor.email ? { customer_email: donor.email } : {}),
  };
  if (donation.frequency === 'one_off') {
    return {
      ...common,
      mode: 'payment',
      submit_type: 'donate',
      line_items: [{ quantity: 1, price_data: priceData }],
      payment_intent_data: { metadata },
    };
  }
  return {
    ...common,
    mode: 'subscription',
    line_items: [{ quantity: 1, price_data: { ...priceData, recurring: { interval: RECURRING_INTERVAL[donation.frequency] } } }],
    subscription_data: { metadata },
  };
}
