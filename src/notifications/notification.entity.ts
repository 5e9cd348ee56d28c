import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Comment } from '../comments/comment.entity';
import { User } from '../users/user.entity';

export const NOTIFICATION_TYPES = ['reply', 'follow', 'followed_comment', 'moderation', 'featured'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/**
 * One entry of a reader's inbox. A reply or followed_comment notification
 * exists at most once per recipient and comment (partial unique index), so a
 * fan-out job that runs twice delivers once.
 */
@Entity('notifications')
@Check('notifications_type_check', `"type" IN ('reply', 'follow', 'followed_comment', 'moderation', 'featured')`)
@Index('notifications_recipient_idx', ['recipientId', 'createdAt', 'id'])
@Index('notifications_unread_idx', ['recipientId', 'createdAt', 'id'], { where: '"read_at" IS NULL' })
@Index('notifications_comment_once_key', ['recipientId', 'type', 'commentId'], {
  unique: true,
  where: `"type" IN ('reply', 'followed_comment')`,
})
@Index('notifications_created_idx', ['createdAt'])
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  recipientId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recipient_id' })
  recipient?: User;

  @Column({ type: 'varchar', length: 32 })
  type: NotificationType;

  /** Who caused it; null for moderation and once the actor's account is erased. */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'actor_id' })
  actor?: User;

  @Column({ type: 'uuid', nullable: true })
  commentId: string | null;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'comment_id' })
  comment?: Comment;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readAt: Date | null;
}
