import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

export const AUDIT_TARGET_TYPES = ['comment', 'user', 'article', 'settings'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export const MODERATION_ACTIONS = [
  'comment.hide',
  'comment.unhide',
  'comment.approve',
  'comment.feature',
  'comment.unfeature',
  'comment.delete',
  'user.suspend',
  'user.unsuspend',
  'user.ban',
  'user.unban',
  'user.role',
  'user.note',
  'article.open_comments',
  'article.close_comments',
  'settings.update',
] as const;
export type ModerationActionName = (typeof MODERATION_ACTIONS)[number];

/**
 * The audit log: one append-only row per moderation action, written in the
 * same transaction as the change it records. Rows are never updated.
 */
@Entity('moderation_actions')
@Index('moderation_actions_created_idx', ['createdAt', 'id'])
@Index('moderation_actions_target_idx', ['targetType', 'targetId', 'createdAt'])
export class ModerationAction {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null once the actor's account row is gone (accounts are erased, not deleted, so rarely). */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'actor_id' })
  actor?: User;

  @Column({ type: 'varchar', length: 40 })
  action: ModerationActionName;

  @Column({ type: 'varchar', length: 16 })
  targetType: AuditTargetType;

  /** A UUID for comments and users, the CMS id for articles, `moderation` for settings. */
  @Column({ type: 'varchar', length: 128 })
  targetId: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason: string | null;

  /** What changed (e.g. the old and new role, the suspension end), for the record. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  /** Millisecond precision, so the keyset cursor (a JavaScript date) is exact. */
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
