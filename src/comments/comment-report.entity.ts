import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';
import { Comment } from './comment.entity';

export const REPORT_REASONS = ['spam', 'abuse', 'hate', 'off_topic', 'harassment', 'misinformation', 'legal', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** A reader's report of a comment; one per reader per comment. */
@Entity('comment_reports')
@Check('comment_reports_reason_check', `"reason" IN ('spam', 'abuse', 'hate', 'off_topic', 'harassment', 'misinformation', 'legal', 'other')`)
@Index('comment_reports_comment_reporter_key', ['commentId', 'reporterId'], { unique: true })
@Index('comment_reports_open_idx', ['commentId', 'createdAt'], { where: '"resolved_at" IS NULL' })
export class CommentReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  commentId: string;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'comment_id' })
  comment?: Comment;

  /** Null once the reporter's account is erased. */
  @Column({ type: 'uuid', nullable: true })
  reporterId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'reporter_id' })
  reporter?: User;

  @Column({ type: 'varchar', length: 32 })
  reason: ReportReason;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;
}
