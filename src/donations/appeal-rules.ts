import { FieldError } from '../common/errors/app-error';
import { CurrencyOptions } from './appeal.entity';
import { CURRENCY_PATTERN, Frequency } from './donation-terms';

/** Stripe's largest amount in minor units (eight digits). */
export const LARGEST_AMOUNT = 99_999_999;
const MAX_SUGGESTED_AMOUNTS = 10;

function isAmount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= LARGEST_AMOUNT;
}

/** Checks an admin's currency table: codes, positive integer amounts, and every suggestion within min..max. */
export function currencyTableErrors(currencies: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const entries = Object.entries(currencies);
  if (entries.length === 0) errors.push({ field: 'currencies', message: 'currencies must offer at least one currency' });
  for (const [code, raw] of entries) {
    const field = `currencies.${code}`;
    if (!CURRENCY_PATTERN.test(code)) {
      errors.push({ field, message: `${code} is not a lowercase ISO-4217 currency code` });
      continue;
    }
    errors.push(...currencyOptionErrors(field, raw));
  }
  return errors;
}

function currencyOptionErrors(field: string, raw: unknown): FieldError[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return [{ field, message: `${field} must be an object with amounts, defaultAmount, min and max` }];
  }
  const options = raw as Partial<Record<string, unknown>>;
  const unknownKeys = Object.keys(options).filter((key) => !['amounts', 'defaultAmount', 'min', 'max'].includes(key));
  const errors: FieldError[] = unknownKeys.map((key) => ({ field: `${field}.${key}`, message: `${key} is not an allowed field` }));
  for (const key of ['defaultAmount', 'min', 'max'] as const) {
    if (!isAmount(options[key])) errors.push({ field: `${field}.${key}`, message: `${key} must be an integer from 1 to ${LARGEST_AMOUNT}` });
  }
  const amounts = options.amounts;
  if (!Array.isArray(amounts) || amounts.length === 0 || amounts.length > MAX_SUGGESTED_AMOUNTS || !amounts.every(isAmount)) {
    errors.push({ field: `${field}.amounts`, message: `amounts must list 1 to ${MAX_SUGGESTED_AMOUNTS} integer amounts in minor units` });
  }
  if (errors.length > 0) return errors;
  const { min, max, defaultAmount } = options as unknown as CurrencyOptions;
  if (min > max) return [{ field: `${field}.min`, message: 'min must not exceed max' }];
  if (defaultAmount < min || defaultAmount > max) {
    errors.push({ field: `${field}.defaultAmount`, message: 'defaultAmount must lie within min..max' });
  }
  if ((amounts as number[]).some((amount) => amount < min || amount > max)) {
    errors.push({ field: `${field}.amounts`, message: 'every suggested amount must lie within min..max' });
  }
  return errors;
}

/** Why a donation does not fit the appeal it is made under, field by field (empty when it fits). */
export function donationFitErrors(
  appeal: { currencies: Record<string, CurrencyOptions>; frequencies: Frequency[] },
  donation: { amount: number; currency: string; frequency: Frequency },
): FieldError[] {
  const errors: FieldError[] = [];
  if (!appeal.frequencies.includes(donation.frequency)) {
    errors.push({ field: 'frequency', message: `frequency must be one of ${appeal.frequencies.join(', ')}` });
  }
  const options = Object.prototype.hasOwnProperty.call(appeal.currencies, donation.currency)
    ? appeal.currencies[donation.currency]
    : undefined;
  if (!options) {
    errors.push({ field: 'currency', message: `currency must be one of ${Object.keys(appeal.currencies).join(', ')}` });
  } else if (donation.amount < options.min || donation.amount > options.max) {
    errors.push({ field: 'amount', message: `amount must be from ${options.min} to ${options.max} ${donation.currency} minor units` });
  }
  return errors;
}
