import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SupporterStatus } from '../common/hooks/account-hooks';

export interface Grant {
  userId: string;
  donationId: string;
  validFrom: Date;
  validUntil: Date;
  recurring: boolean;
}

interface StatusRow {
  user_id: string;
  since: Date;
  until: Date;
  recurring: boolean;
}

@Injectable()
export class SupporterEntitlementsRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }


  /** One grant per payment: a repeat (another event for the same payment) changes nothing. */
  async grant(grant: Grant): Promise<void> {
    await this.tx.query(
      `INSERT INTO supporter_entitlements (user_id, donation_id, valid_from, valid_until, recurring)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (donation_id) DO NOTHING`,
      [grant.userId, grant.donationId, grant.validFrom, grant.validUntil, grant.recurring],
    );
  }

  /**
   * The newsroom's grant of one reader (one row per reader): valid until `until`. A grant that had
   * already ended starts again from now (so `since` tells when the current run began); one still
   * running keeps its start. A past `until` ends it.
   */
  async setNewsroomGrant(userId: string, until: Date): Promise<void> {
    await this.tx.query(
      `INSERT INTO supporter_entitlements (user_id, source, valid_from, valid_until, recurring)
       VALUES ($1, 'newsroom', least(now(), $2::timestamptz), $2, false)
       ON CONFLICT (user_id) WHERE source = 'newsroom' DO UPDATE SET
         valid_from = CASE WHEN supporter_entitlements.valid_until > now() THEN supporter_entitlements.valid_from
                           ELSE least(now(), EXCLUDED.valid_until) END,
         valid_until = EXCLUDED.valid_until,
         revoked_at = NULL`,
      [userId, until],
    );
  }

  async revokeForDonation(donationId: string): Promise<void> {
    await this.tx.query(
      `UPDATE supporter_entitlements SET revoked_at = now() WHERE donation_id = $1 AND revoked_at IS NULL`,
      [donationId],
    );
  }

  /** A recurring donation being canceled still covers what was paid, but it no longer renews. */
  async setRenewingForSubscription(subscriptionId: string, renewing: boolean): Promise<void> {
    await this.tx.query(
      `UPDATE supporter_entitlements SET recurring = $2
       WHERE donation_id IN (SELECT id FROM donations WHERE stripe_subscription_id = $1) AND recurring <> $2`,
      [subscriptionId, renewing],
    );
  }

  /**
   * Current supporters among `userIds`, in one query for a whole page of
   * readers: active while any unrevoked grant runs; `since` is their first
   * unrevoked grant, `until` the last day covered.
   */
  async activeStatuses(userIds: string[]): Promise<Map<string, SupporterStatus>> {
    const rows: StatusRow[] = await this.tx.query(
      `SELECT user_id, min(valid_from) AS since, max(valid_until) AS until,
              coalesce(bool_or(recurring) FILTER (WHERE valid_until > now()), false) AS recurring
       FROM supporter_entitlements
       WHERE user_id = ANY($1::uuid[]) AND revoked_at IS NULL AND valid_from <= now()
       GROUP BY user_id
       HAVING max(valid_until) > now()`,
      [userIds],
    );
    return new Map(
      rows.map((row) => [
        row.user_id,
        { active: true, since: row.since.toISOString(), until: row.until.toISOString(), recurring: row.recurring },
      ]),
    );
  }

  /** Erasure: supporter status describes a person; the donations it came from stay. */
  async deleteAllOf(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM supporter_entitlements WHERE user_id = $1`, [userId]);
  }
}

