import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';
import { Donation } from './donation.entity';

/** Supporter status granted by one payment; a refund or a lost dispute of that payment revokes it. */
@Entity('supporter_entitlements')
@Index('supporter_entitlements_user_idx', ['userId', 'validUntil'])
export class SupporterEntitlement {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** One entitlement per payment: the unique key makes a granted payment grant once. */
  @Column({ type: 'uuid', unique: true })
  donationId: string;

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
