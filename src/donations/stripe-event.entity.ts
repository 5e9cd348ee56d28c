import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Every Stripe event applied, inserted in the same transaction as its effects: the primary key makes each one count once. */
@Entity('stripe_events')
export class StripeEvent {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  /** `applied`, or why nothing was changed (`ignored: …`), for operators reading the table. */
  @Column({ type: 'varchar', length: 200, default: 'applied' })
  outcome: string;
}
