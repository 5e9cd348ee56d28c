import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Donation } from './donation.entity';

/**
 * Our copy of a recurring donation's Stripe subscription, re-read from Stripe
 * on every subscription event; `syncedAt` orders the copies so an older read
 * never overwrites a newer one.
 */
@Entity('stripe_subscriptions')
export class StripeSubscription {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  /** The donation whose Checkout created the subscription. */
  @Column({ type: 'uuid', unique: true })
  donationId: string;

  @ManyToOne(() => Donation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'donation_id' })
  donation?: Donation;

  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  stripeCustomerId: string | null;

  @Column({ type: 'varchar', length: 32 })
  status: string;

  @Column({ type: 'boolean', default: false })
  cancelAtPeriodEnd: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  currentPeriodEnd: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  canceledAt: Date | null;

  @Column({ type: 'timestamptz' })
  syncedAt: Date;
}
