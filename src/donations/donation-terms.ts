/** Vocabulary shared by appeals, donations and Stripe: frequencies, statuses and their Stripe intervals. */
export const FREQUENCIES = ['one_off', 'monthly', 'annual'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const DONATION_STATUSES = ['pending', 'succeeded', 'failed', 'expired', 'refunded', 'disputed', 'canceled'] as const;
export type DonationStatus = (typeof DONATION_STATUSES)[number];

export type DisputeStatus = 'open' | 'won' | 'lost';

export const RECURRING_INTERVAL: Record<Exclude<Frequency, 'one_off'>, 'month' | 'year'> = {
  monthly: 'month',
  annual: 'year',
};

export const CURRENCY_PATTERN = /^[a-z]{3}$/;
