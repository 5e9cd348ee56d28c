import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context';
import { Appeal, CurrencyOptions } from './appeal.entity';
import { Frequency } from './donation-terms';

export interface AppealFields {
  headline: string;
  body: string;
  currencies: Record<string, CurrencyOptions>;
  frequencies: Frequency[];
  active: boolean;
}

@Injectable()
export class AppealsRepository {
  constructor(private readonly txHost: TransactionContext) {}

  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  findById(id: string): Promise<Appeal | null> {
    return this.tx.getRepository(Appeal).findOneBy({ id });
  }

  /** Creates or replaces an appeal in one statement; `created` tells which. */
  async upsert(id: string, fields: AppealFields): Promise<{ appeal: Appeal; created: boolean }> {
    const rows: { created: boolean }[] = await this.tx.query(
      `INSERT INTO appeals (id, headline, body, currencies, frequencies, active)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET headline = EXCLUDED.headline, body = EXCLUDED.body,
         currencies = EXCLUDED.currencies, frequencies = EXCLUDED.frequencies, active = EXCLUDED.active, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [id, fields.headline, fields.body, JSON.stringify(fields.currencies), fields.frequencies, fields.active],
    );
    const appeal = await this.findById(id);
    return { appeal: appeal as Appeal, created: rows[0].created };
  }
}
