import { FieldError } from '../common/errors/app-error';
import { currencyTableErrors, donationFitErrors, LARGEST_AMOUNT } from './appeal-rules';

// The contract's edges for an appeal's currency table and for a donation under it:
// amounts are integers from 1 to Stripe's eight digits, one to ten suggestions, and
// every field error names its field and tells the admin or donor what is allowed.
const gbp = { amounts: [300, 500], defaultAmount: 500, min: 100, max: 10000 };
const fields = (errors: FieldError[]) => errors.map((error) => error.field).sort();

describe('appeal currency table: edges of the contract', () => {
  it('accepts amounts of exactly 1 and of exactly the largest Stripe amount', () => {
    expect(currencyTableErrors({ gbp: { amounts: [1, LARGEST_AMOUNT], defaultAmount: 1, min: 1, max: LARGEST_AMOUNT } })).toEqual([]);
  });

  it('rejects 0 and one past the largest Stripe amount', () => {
    expect(fields(currencyTableErrors({ gbp: { ...gbp, min: 0 } }))).toEqual(['currencies.gbp.min']);
    expect(fields(currencyTableErrors({ gbp: { ...gbp, max: LARGEST_AMOUNT + 1 } }))).toEqual(['currencies.gbp.max']);
    expect(fields(currencyTableErrors({ gbp: { ...gbp, amounts: [300, LARGEST_AMOUNT + 1] } }))).toEqual(['currencies.gbp.amounts']);
  });

  it('accepts a default and suggestions lying exactly on min and max, and min equal to max', () => {
    expect(currencyTableErrors({ gbp: { amounts: [100, 10000], defaultAmount: 100, min: 100, max: 10000 } })).toEqual([]);
    expect(currencyTableErrors({ gbp: { amounts: [100, 10000], defaultAmount: 10000, min: 100, max: 10000 } })).toEqual([]);
    expect(currencyTableErrors({ gbp: { amounts: [700], defaultAmount: 700, min: 700, max: 700 } })).toEqual([]);
  });

  it('rejects a default above max and a suggestion below min', () => {
    expect(fields(currencyTableErrors({ gbp: { ...gbp, defaultAmount: 10001 } }))).toEqual(['currencies.gbp.defaultAmount']);
    expect(fields(currencyTableErrors({ gbp: { ...gbp, amounts: [99, 500] } }))).toEqual(['currencies.gbp.amounts']);
  });

  it('reports min above max alone, without range errors that would follow from it', () => {
    expect(currencyTableErrors({ gbp: { amounts: [500], defaultAmount: 500, min: 600, max: 400 } })).toEqual([
      expect.objectContaining({ field: 'currencies.gbp.min' }),
    ]);
  });

  it('takes one to ten suggestions', () => {
    const ten = Array.from({ length: 10 }, (_, index) => 100 + index);
    expect(currencyTableErrors({ gbp: { ...gbp, amounts: ten } })).toEqual([]);
    expect(fields(currencyTableErrors({ gbp: { ...gbp, amounts: [...ten, 110] } }))).toEqual(['currencies.gbp.amounts']);
    expect(fields(currencyTableErrors({ gbp: { ...gbp, amounts: [] } }))).toEqual(['currencies.gbp.amounts']);
    expect(fields(currencyTableErrors({ gbp: { ...gbp, amounts: 500 } }))).toEqual(['currencies.gbp.amounts']);
    // one fractional suggestion among good ones, inside min..max
    expect(fields(currencyTableErrors({ gbp: { ...gbp, amounts: [300, 400.5] } }))).toEqual(['currencies.gbp.amounts']);
  });

  it('does not check ranges once a field is already wrong', () => {
    // a fractional min would make every range comparison meaningless: only the field itself is reported
    expect(fields(currencyTableErrors({ gbp: { ...gbp, min: 150.5, defaultAmount: 120 } }))).toEqual(['currencies.gbp.min']);
  });

  it.each([
    ['null', null],
    ['a number', 500],
    ['a string', 'gbp'],
    ['an array', [300, 500]],
  ])('answers one error on the currency when its options are %s', (_, raw) => {
    expect(currencyTableErrors({ gbp: raw })).toEqual([{ field: 'currencies.gbp', message: expect.stringMatching(/\S/) }]);
  });

  it('gives every error a message that says what is allowed', () => {
    const errors = [
      ...currencyTableErrors({}),
      ...currencyTableErrors({ GBP: gbp }),
      ...currencyTableErrors({ gbp: { amounts: [], defaultAmount: 0, min: 1, max: 1, extra: true } }),
      ...currencyTableErrors({ gbp: { ...gbp, min: 20000 } }),
      ...currencyTableErrors({ gbp: { ...gbp, defaultAmount: 50, amounts: [50] } }),
    ];
    expect(errors.length).toBeGreaterThanOrEqual(7);
    for (const error of errors) expect(error.message).toMatch(/\S{2,}/);
    expect(errors.find((error) => error.field === 'currencies.gbp.defaultAmount' && error.message.includes(String(LARGEST_AMOUNT)))).toBeDefined();
    expect(errors.find((error) => error.field === 'currencies.gbp.extra')?.message).toContain('extra');
    expect(errors.find((error) => error.field === 'currencies.GBP')?.message).toContain('GBP');
  });
});

describe('donation under an appeal: edges of the contract', () => {
  const appeal = { currencies: { gbp, eur: gbp }, frequencies: ['one_off' as const, 'monthly' as const] };

  it('accepts exactly min and exactly max, and refuses one past either', () => {
    expect(donationFitErrors(appeal, { amount: 100, currency: 'gbp', frequency: 'one_off' })).toEqual([]);
    expect(donationFitErrors(appeal, { amount: 10000, currency: 'gbp', frequency: 'one_off' })).toEqual([]);
    expect(fields(donationFitErrors(appeal, { amount: 10001, currency: 'gbp', frequency: 'one_off' }))).toEqual(['amount']);
  });

  it('tells the donor the allowed frequencies, currencies and range', () => {
    const [frequency, currency] = donationFitErrors(appeal, { amount: 500, currency: 'usd', frequency: 'annual' });
    expect(frequency.message).toContain('one_off, monthly');
    expect(currency.message).toContain('gbp, eur');
    const [amount] = donationFitErrors(appeal, { amount: 5, currency: 'gbp', frequency: 'one_off' });
    expect(amount.message).toEqual(expect.stringContaining('100'));
    expect(amount.message).toEqual(expect.stringContaining('10000'));
  });
});
