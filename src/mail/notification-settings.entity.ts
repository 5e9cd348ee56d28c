import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../users/user.entity';

export const DIGESTS = ['immediate', 'hourly', 'daily'] as const;
export type Digest = (typeof DIGESTS)[number];

/** A reader's choice of activity e-mails; no row means the defaults (reply, featured, moderation on; immediate). */
@Entity('notification_settings')
@Check('notification_settings_digest_check', `"digest" IN ('immediate', 'hourly', 'daily')`)
export class NotificationSettings {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_notification_settings' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_notification_settings_user' })
  user?: User;

  @Column({ type: 'boolean', default: true })
  reply: boolean;

  @Column({ type: 'boolean', default: true })
  featured: boolean;

  @Column({ type: 'boolean', default: true })
  moderation: boolean;

  @Column({ type: 'boolean', default: false })
  followedComment: boolean;

  @Column({ type: 'boolean', default: false })
  follow: boolean;

  @Column({ type: 'varchar', length: 16, default: 'immediate' })
  digest: Digest;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
