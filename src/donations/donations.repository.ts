import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Donation } from './donation.entity';
import { DisputeStatus, DonationStatus, Frequency } from './donation-terms';

export interface NewDonation {
  userId: string | null;
  articleId: string;
  appealId: string;
  amount: number;
  currency: string;
  frequency: Frequency;
}

export interface RenewalPayment {
  original: Donation;
  stripeInvoiceId: string;
  stripePaymentIntentId: string | null;
  amount: number;
  currency: string;
}

type StripeLinks = Partial<
  Pick<Donation, 'stripeCheckoutSessionId' | 'stripePaymentIntentId' | 'stripeInvoiceId' | 'stripeSubscriptionId'>
>;

/** Statuses a payment can still leave: a settled one only moves through refunds, disputes and cancellation. */
const UNSETTLED: DonationStatus[] = ['pending', 'failed', 'expired'];

@Injectable()
export class DonationsRepository {
  constructor(private readonly txHost: TransactionContext) {}

  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }


  insertPending(donation: NewDonation): Promise<Donation> {
    const repository = this.tx.getRepository(Donation);
    return repository.save(repository.create({ ...donation, status: 'pending' }));
  }

  async attachCheckoutSession(id: string, sessionId: string): Promise<void> {
    await this.tx.getRepository(Donation).update({ id }, { stripeCheckoutSessionId: sessionId });
  }

  async markCheckoutFailed(id: string): Promise<void> {
    await this.tx.getRepository(Donation).update({ id, status: 'pending' }, { status: 'failed' });
  }

  findById(id: string): Promise<Donation | null> {
    return this.tx.getRepository(Donation).findOneBy({ id });
  }

  /** Newest first, keyset on (created_at, id); `limit + 1` rows so the caller knows whether more exist. */
  findPageForUser(userId: string, limit: number, after?: { createdAt: string; id: string }): Promise<Donation[]> {
    const query = this.tx
      .getRepository(Donation)
      .createQueryBuilder('donation')
      .where('donation.user_id = :userId', { userId })
      .orderBy('donation.created_at', 'DESC')
      .addOrderBy('donation.id', 'DESC')
      .limit(limit + 1);
    if (after) query.andWhere('(donation.created_at, donation.id) < (:createdAt, :id)', after);
    return query.getMany();
  }

  // ---- webhook effects: each runs inside the event's transaction, on a locked row ----

  lockById(id: string): Promise<Donation | null> {
    return this.tx.getRepository(Donation).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  lockByPaymentIntent(paymentIntentId: string): Promise<Donation | null> {
    return this.tx
      .getRepository(Donation)
      .findOne({ where: { stripePaymentIntentId: paymentIntentId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Records the Stripe ids a payment is known by, never replacing one already set. */
  async link(donation: Donation, links: StripeLinks): Promise<void> {
    const missing = Object.fromEntries(
      Object.entries(links).filter(([key, value]) => value && !donation[key as keyof StripeLinks]),
    ) as StripeLinks;
    if (Object.keys(missing).length === 0) return;
    await this.tx.getRepository(Donation).update({ id: donation.id }, missing);
    Object.assign(donation, missing);
  }

  /** pending/failed/expired → succeeded; returns false when the payment was already settled (nothing to do). */
  async markSucceeded(donation: Donation, paidAt: Date): Promise<boolean> {
    if (!UNSETTLED.includes(donation.status)) return false;
    await this.tx.getRepository(Donation).update({ id: donation.id }, { status: 'succeeded', paidAt });
    Object.assign(donation, { status: 'succeeded', paidAt });
    return true;
  }

  /** Moves a still-pending payment to failed or expired; a settled one keeps its state. */
  async closeIfPending(donation: Donation, status: 'failed' | 'expired'): Promise<boolean> {
    if (donation.status !== 'pending') return false;
    await this.tx.getRepository(Donation).update({ id: donation.id }, { status });
    return true;
  }

  async setStatus(id: string, status: DonationStatus): Promise<void> {
    await this.tx.getRepository(Donation).update({ id }, { status });
  }

  async recordRefund(donation: Donation, refundedAmount: number, fully: boolean): Promise<void> {
    const refunded = Math.min(donation.amount, Math.max(donation.refundedAmount, refundedAmount));
    const status: DonationStatus = fully ? 'refunded' : donation.status;
    await this.tx.getRepository(Donation).update({ id: donation.id }, { refundedAmount: refunded, status });
    Object.assign(donation, { refundedAmount: refunded, status });
  }

  async recordDispute(
    donation: Donation,
    dispute: { id: string; status: DisputeStatus; amount: number },
  ): Promise<void> {
    const disputedAmount = dispute.status === 'won' ? 0 : Math.min(donation.amount, dispute.amount);
    const status: DonationStatus =
      dispute.status === 'won' ? (donation.refundedAmount >= donation.amount ? 'refunded' : 'succeeded') : 'disputed';
    await this.tx.getRepository(Donation).update(
      { id: donation.id },
      { stripeDisputeId: dispute.id, disputeStatus: dispute.status, disputedAmount, status },
    );
    Object.assign(donation, { stripeDisputeId: dispute.id, disputeStatus: dispute.status, disputedAmount, status });
  }

  /**
   * A renewal's own row, keyed by its invoice: a retry that finally succeeds
   * turns the failed row into a paid one; a paid row is left as it is.
   * Returns the row when this call made it paid, else null.
   */
  async recordRenewalPaid(renewal: RenewalPayment, paidAt: Date): Promise<Donation | null> {
    const rows: { id: string }[] = await this.tx.query(
      `WITH upserted AS (
         INSERT INTO donations (user_id, article_id, appeal_id, amount, currency, frequency, status, renewal_of,
                                stripe_invoice_id, stripe_subscription_id, stripe_payment_intent_id, paid_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'succeeded', $7, $8, $9, $10, $11)
         ON CONFLICT (stripe_invoice_id) DO UPDATE
           SET status = 'succeeded', paid_at = EXCLUDED.paid_at, amount = EXCLUDED.amount,
               stripe_payment_intent_id = COALESCE(donations.stripe_payment_intent_id, EXCLUDED.stripe_payment_intent_id),
               updated_at = now()
           WHERE donations.status IN ('pending', 'failed')
         RETURNING id
       ) SELECT id FROM upserted`,
      renewalValues(renewal, paidAt),
    );
    return rows.length > 0 ? this.lockById(rows[0].id) : null;
  }

  /** A renewal whose payment failed: kept (unpaid) so a later successful retry updates the same row. */
  async recordRenewalFailed(renewal: RenewalPayment): Promise<void> {
    await this.tx.query(
      `INSERT INTO donations (user_id, article_id, appeal_id, amount, currency, frequency, status, renewal_of,
                              stripe_invoice_id, stripe_subscription_id, stripe_payment_intent_id, paid_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'failed', $7, $8, $9, $10, $11)
       ON CONFLICT (stripe_invoice_id) DO NOTHING`,
      renewalValues(renewal, null),
    );
  }

  /** Erasure: the reader's donations stay as financial records (amount, currency, dates, Stripe ids), no longer theirs. */
  async detachDonor(userId: string): Promise<void> {
    await this.tx.query(`UPDATE donations SET user_id = NULL WHERE user_id = $1`, [userId]);
  }
}

function renewalValues(renewal: RenewalPayment, paidAt: Date | null): unknown[] {
  const { original } = renewal;
  return [
    original.userId,
    original.articleId,
    original.appealId,
    renewal.amount,
    renewal.currency,
    original.frequency,
    original.id,
    renewal.stripeInvoiceId,
    original.stripeSubscriptionId,
    renewal.stripePaymentIntentId,
    paidAt,
  ];
}
