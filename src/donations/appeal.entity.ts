import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Frequency } from './donation-terms';

/** Suggested amounts and limits for one currency, all in minor units. */
export interface CurrencyOptions {
  amounts: number[];
  defaultAmount: number;
  min: number;
  max: number;
}

/** A support appeal shown under articles; `default` is the site-wide one. */
@Entity('appeals')
@Check('appeals_id_format_check', `"id" ~ '^[A-Za-z0-9._:-]{1,64}$'`)
export class Appeal {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  headline: string;

  @Column({ type: 'text' })
  body: string;

  /** Keyed by lowercase ISO-4217 code. */
  @Column({ type: 'jsonb' })
  currencies: Record<string, CurrencyOptions>;

  @Column({ type: 'text', array: true })
  frequencies: Frequency[];

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
