import { currencyTableErrors, donationFitErrors } from './appeal-rules';

const gbp = { amounts: [300, 500], defaultAmount: 500, min: 100, max: 10000 };

describe('currencyTableErrors', () => {
  it('accepts a well-formed table', () => {
    expect(currencyTableErrors({ gbp, eur: gbp })).toEqual([]);
  });

  it('rejects an empty table and non-ISO codes', () => {
    expect(currencyTableErrors({})).toEqual([expect.objectContaining({ field: 'currencies' })]);
    expect(currencyTableErrors({ GBP: gbp })).toEqual([expect.objectContaining({ field: 'currencies.GBP' })]);
    expect(currencyTableErrors({ pounds: gbp })).toEqual([expect.objectContaining({ field: 'currencies.pounds' })]);
  });

  it('requires the default and every suggestion within min..max', () => {
    expect(currencyTableErrors({ gbp: { ...gbp, defaultAmount: 50 } })).toEqual([
      expect.objectContaining({ field: 'currencies.gbp.defaultAmount' }),
    ]);
    expect(currencyTableErrors({ gbp: { ...gbp, amounts: [300, 20000] } })).toEqual([
      expect.objectContaining({ field: 'currencies.gbp.amounts' }),
    ]);
    expect(currencyTableErrors({ gbp: { ...gbp, min: 20000 } })).toEqual([expect.objectContaining({ field: 'currencies.gbp.min' })]);
  });

  it('rejects fractional, zero and missing amounts and unknown fields', () => {
    const errors = currencyTableErrors({ gbp: { amounts: [2.5], defaultAmount: 0, max: 100, extra: 1 } });
    expect(errors.map((error) => error.field).sort()).toEqual([
      'currencies.gbp.amounts',
      'currencies.gbp.defaultAmount',
      'currencies.gbp.extra',
      'currencies.gbp.min',
    ]);
  });
});

describe('donationFitErrors', () => {
  const appeal = { currencies: { gbp }, frequencies: ['one_off' as const, 'monthly' as const] };

  it('accepts a donation inside the appeal', () => {
    expect(donationFitErrors(appeal, { amount: 100, currency: 'gbp', frequency: 'monthly' })).toEqual([]);
    expect(donationFitErrors(appeal, { amount: 10000, currency: 'gbp', frequency: 'one_off' })).toEqual([]);
  });

  it('names each field that does not fit', () => {
    expect(donationFitErrors(appeal, { amount: 99, currency: 'gbp', frequency: 'one_off' })).toEqual([
      expect.objectContaining({ field: 'amount' }),
    ]);
    expect(donationFitErrors(appeal, { amount: 500, currency: 'usd', frequency: 'annual' }).map((error) => error.field)).toEqual([
      'frequency',
      'currency',
    ]);
  });

  it('does not treat inherited object keys as currencies', () => {
    expect(donationFitErrors(appeal, { amount: 500, currency: 'constructor', frequency: 'one_off' })).toEqual([
      expect.objectContaining({ field: 'currency' }),
    ]);
  });
});
