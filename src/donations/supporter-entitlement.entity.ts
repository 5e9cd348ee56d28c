import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';
import { Donation } from './donation.entity';

/** Where a grant comes from: a payment through Stripe, or the newsroom's own subscription (its sign-in token's `supporter_until`). */
export type EntitlementSource = 'donation' | 'newsroom';

/**
 * Supporter status granted by one payment (a refund or a lost dispute of that
 * payment revokes it), or by the newsroom's sign-in tokens: one such row per
 * reader, moved by each token that carries `supporter_until`.
 */
@Entity('supporter_entitlements')
@Index('supporter_entitlements_user_idx', ['userId', 'validUntil'])
@Index('supporter_entitlements_newsroom_key', ['userId'], { unique: true, where: `"source" = 'newsroom'` })
@Check('supporter_entitlements_source_check', `("source" = 'donation' AND "donation_id" IS NOT NULL) OR ("source" = 'newsroom' AND "donation_id" IS NULL)`)
export class SupporterEntitlement {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** One entitlement per payment: the unique key makes a granted payment grant once; null for the newsroom's grant. */
  @Column({ type: 'uuid', unique: true, nullable: true })
  donationId: string | null;

  @Column({ type: 'varchar', length: 16, default: 'donation' })
  source: EntitlementSource;

  @ManyToOne(() => Donation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'donation_id' })
  donation?: Donation;

  @Column({ type: 'timestamptz' })
  validFrom: Date;

  @Column({ type: 'timestamptz' })
  validUntil: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'boolean' })
  recurring: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
