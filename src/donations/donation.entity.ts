import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Article } from '../articles/article.entity';
import { User } from '../users/user.entity';
import { Appeal } from './appeal.entity';
import { DisputeStatus, DonationStatus, Frequency } from './donation-terms';

/**
 * One payment, or the intent of one: written `pending` before Checkout starts,
 * moved on only by verified webhooks. Each renewal of a recurring donation is
 * its own row (`renewalOf` the first one), attributed to the same article.
 */
@Entity('donations')
@Index('donations_user_created_idx', ['userId', 'createdAt', 'id'])
@Index('donations_paid_at_idx', ['paidAt', 'articleId'])
@Index('donations_stripe_subscription_idx', ['stripeSubscriptionId'])
@Check('donations_amount_check', `"amount" > 0`)
@Check('donations_refunded_amount_check', `"refunded_amount" >= 0 AND "refunded_amount" <= "amount"`)
@Check('donations_disputed_amount_check', `"disputed_amount" >= 0 AND "disputed_amount" <= "amount"`)
@Check('donations_frequency_check', `"frequency" IN ('one_off', 'monthly', 'annual')`)
@Check(
  'donations_status_check',
  `"status" IN ('pending', 'succeeded', 'failed', 'expired', 'refunded', 'disputed', 'canceled')`,
)
@Check('donations_dispute_status_check', `"dispute_status" IS NULL OR "dispute_status" IN ('open', 'won', 'lost')`)
export class Donation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null for an anonymous donor. */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 128 })
  articleId: string;

  @ManyToOne(() => Article, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;

  @Column({ type: 'varchar', length: 64 })
  appealId: string;

  @ManyToOne(() => Appeal, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'appeal_id' })
  appeal?: Appeal;

  /** Minor units. */
  @Column({ type: 'integer' })
  amount: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16 })
  frequency: Frequency;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: DonationStatus;

  /** The first donation of the subscription this renewal belongs to. */
  @Column({ type: 'uuid', nullable: true })
  renewalOf: string | null;

  @ManyToOne(() => Donation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'renewal_of' })
  original?: Donation;

  @Column({ type: 'varchar', length: 255, nullable: true, unique: true })
  stripeCheckoutSessionId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, unique: true })
  stripePaymentIntentId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, unique: true })
  stripeInvoiceId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, unique: true })
  stripeDisputeId: string | null;

  /** Shared by the first donation of a subscription and its renewals. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  stripeSubscriptionId: string | null;

  @Column({ type: 'integer', default: 0 })
  refundedAmount: number;

  @Column({ type: 'integer', default: 0 })
  disputedAmount: number;

  @Column({ type: 'varchar', length: 8, nullable: true })
  disputeStatus: DisputeStatus | null;

  /** When Stripe confirmed the money; null while nothing was received. */
  @Column({ type: 'timestamptz', nullable: true })
  paidAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
