import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StripeCustomer } from './stripe-customer.entity';
import { StripeSubscription } from './stripe-subscription.entity';

export type SubscriptionState = Omit<StripeSubscription, 'donation'>;

/** Our side of Stripe's objects: processed events, customers of signed-in donors, subscription states. */
@Injectable()
export class StripeRecordsRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }


  /**
   * Claims an event id inside the caller's transaction. A concurrent delivery
   * of the same event waits on the primary key and then gets false, so
   * exactly one delivery applies its effects.
   */
  async claimEvent(id: string, type: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(
      `WITH claimed AS (
         INSERT INTO stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id
       ) SELECT id FROM claimed`,
      [id, type],
    );
    return rows.length === 1;
  }

  async finishEvent(id: string, outcome: string): Promise<void> {
    await this.tx.query(`UPDATE stripe_events SET processed_at = now(), outcome = $2 WHERE id = $1`, [id, outcome.slice(0, 200)]);
  }

  async findCustomerId(userId: string): Promise<string | null> {
    const customer = await this.tx.getRepository(StripeCustomer).findOneBy({ userId });
    return customer?.stripeCustomerId ?? null;
  }

  /** Keeps the first customer stored for the reader and returns whichever is stored. */
  async saveCustomerId(userId: string, stripeCustomerId: string): Promise<string> {
    await this.tx.query(
      `INSERT INTO stripe_customers (user_id, stripe_customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [userId, stripeCustomerId],
    );
    return (await this.findCustomerId(userId)) ?? stripeCustomerId;
  }

  /**
   * Stores a subscription state read from Stripe under a row lock, unless the
   * stored one was read later (a slower, older read never wins). Returns
   * whether the given state is now the stored one.
   */
  async saveSubscriptionState(state: SubscriptionState): Promise<boolean> {
    await this.tx.query(
      `INSERT INTO stripe_subscriptions (id, donation_id, user_id, stripe_customer_id, status, cancel_at_period_end,
                                         current_period_end, canceled_at, synced_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
      subscriptionValues(state),
    );
    const [stored]: { synced_at: Date }[] = await this.tx.query(
      `SELECT synced_at FROM stripe_subscriptions WHERE id = $1 FOR UPDATE`,
      [state.id],
    );
    if (stored.synced_at.getTime() > state.syncedAt.getTime()) return false;
    await this.tx.query(
      `UPDATE stripe_subscriptions SET user_id = coalesce(user_id, $2), stripe_customer_id = $3, status = $4,
         cancel_at_period_end = $5, current_period_end = $6, canceled_at = $7, synced_at = $8
       WHERE id = $1`,
      subscriptionValues(state).filter((_, index) => index !== 1),
    );
    return true;
  }

  findSubscription(id: string): Promise<StripeSubscription | null> {
    return this.tx.getRepository(StripeSubscription).findOneBy({ id });
  }

  /**
   * Erasure: unlinks the reader from their Stripe customer and subscriptions and
   * returns the customer ids that were linked, so Stripe's copy can be redacted.
   */
  async unlinkReader(userId: string): Promise<string[]> {
    const rows: { stripe_customer_id: string }[] = await this.tx.query(
      `WITH removed AS (DELETE FROM stripe_customers WHERE user_id = $1 RETURNING stripe_customer_id)
       SELECT stripe_customer_id FROM removed`,
      [userId],
    );
    await this.tx.query(`UPDATE stripe_subscriptions SET user_id = NULL WHERE user_id = $1`, [userId]);
    return rows.map((row) => row.stripe_customer_id);
  }
}

function subscriptionValues(state: SubscriptionState): unknown[] {
  return [
    state.id,
    state.donationId,
    state.userId,
    state.stripeCustomerId,
    state.status,
    state.cancelAtPeriodEnd,
    state.currentPeriodEnd,
    state.canceledAt,
    state.syncedAt,
  ];
}
