import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context';
import { Frequency } from './donation-terms';

export interface SummaryFilter {
  articleId?: string;
  from?: Date;
  to?: Date;
}

export interface SummaryRow {
  articleId: string;
  appealId: string;
  currency: string;
  frequency: Frequency;
  count: number;
  gross: number;
  refunded: number;
  disputed: number;
  net: number;
}

@Injectable()
export class DonationSummaryRepository {
  constructor(private readonly txHost: TransactionContext) {}

  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  /**
   * Money received (rows with `paid_at`), grouped by article, appeal, currency
   * and frequency; open and lost disputes count as withdrawn, won ones do not,
   * and no payment loses more than it brought in.
   */
  async totals(filter: SummaryFilter): Promise<SummaryRow[]> {
    const rows: Record<string, string>[] = await this.tx.query(
      `WITH received AS (
         SELECT article_id, appeal_id, currency, frequency, amount, refunded_amount,
                CASE WHEN dispute_status IN ('open', 'lost') THEN disputed_amount ELSE 0 END AS disputed_amount
         FROM donations
         WHERE paid_at IS NOT NULL
           AND ($1::varchar IS NULL OR article_id = $1)
           AND ($2::timestamptz IS NULL OR paid_at >= $2)
           AND ($3::timestamptz IS NULL OR paid_at < $3)
       )
       SELECT article_id, appeal_id, currency, frequency, count(*) AS count, sum(amount) AS gross,
              sum(refunded_amount) AS refunded, sum(disputed_amount) AS disputed,
              sum(amount - least(amount, refunded_amount + disputed_amount)) AS net
       FROM received
       GROUP BY article_id, appeal_id, currency, frequency
       ORDER BY article_id, appeal_id, currency, frequency`,
      [filter.articleId ?? null, filter.from ?? null, filter.to ?? null],
    );
    return rows.map((row) => ({
      articleId: row.article_id,
      appealId: row.appeal_id,
      currency: row.currency,
      frequency: row.frequency as Frequency,
      count: Number(row.count),
      gross: Number(row.gross),
      refunded: Number(row.refunded),
      disputed: Number(row.disputed),
      net: Number(row.net),
    }));
  }
}
