import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Article } from '../articles/article.entity';
import { User } from '../users/user.entity';

export const COMMENT_STATUSES = ['visible', 'pending', 'hidden', 'deleted'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/**
 * A comment anywhere in a thread. Storage keeps the whole tree (`parentId`,
 * `rootId`, `depth`); top-level comments have no parent and no root.
 * Counters count visible rows only and change in the same transaction as them.
 */
@Entity('comments')
@Check('comments_status_check', `"status" IN ('visible', 'pending', 'hidden', 'deleted')`)
@Check('comments_counters_check', `"reply_count" >= 0 AND "reaction_count" >= 0 AND "open_report_count" >= 0`)
@Check('comments_featured_at_check', `"featured" = ("featured_at" IS NOT NULL)`)
@Check('comments_tree_check', `("parent_id" IS NULL AND "root_id" IS NULL AND "depth" = 0) OR ("parent_id" IS NOT NULL AND "root_id" IS NOT NULL AND "depth" > 0)`)
@Index('comments_top_newest_idx', ['articleId', 'createdAt', 'id'], { where: '"parent_id" IS NULL' })
@Index('comments_top_reactions_idx', ['articleId', 'reactionCount', 'id'], { where: '"parent_id" IS NULL' })
@Index('comments_top_replies_idx', ['articleId', 'replyCount', 'id'], { where: '"parent_id" IS NULL' })
@Index('comments_root_idx', ['rootId', 'createdAt', 'id'], { where: '"root_id" IS NOT NULL' })
@Index('comments_author_idx', ['authorId', 'createdAt', 'id'])
@Index('comments_author_visible_idx', ['authorId', 'createdAt', 'id'], { where: `"status" = 'visible'` })
// The feed's first plan: the site's newest visible comments with their authors, index-only (src/follows/feed.repository.ts).
@Index('comments_visible_newest_idx', ['createdAt', 'id', 'authorId'], { where: `"status" = 'visible'` })
@Index('comments_parent_idx', ['parentId'])
// A reader's comments of one status, newest first (GET /admin/users/:id/comments?status=).
@Index('comments_author_status_idx', ['authorId', 'status', 'createdAt', 'id'])
// The article's picks, most recently featured first (DESC and partial: created in the Workbench migration).
@Index('comments_picks_idx', { synchronize: false })
// The moderation queues' partial indexes (DESC and partial: created in the Moderation migration).
@Index('comments_reported_queue_idx', { synchronize: false })
@Index('comments_pending_queue_idx', { synchronize: false })
@Index('comments_hidden_queue_idx', { synchronize: false })
@Index('comments_author_hidden_idx', { synchronize: false })
export class Comment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 128 })
  articleId: string;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;

  /** Null once the author's account is erased. */
  @Column({ type: 'uuid', nullable: true })
  authorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_id' })
  author?: User;

  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Comment;

  @Column({ type: 'uuid', nullable: true })
  rootId: string | null;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'root_id' })
  root?: Comment;

  @Column({ type: 'integer', default: 0 })
  depth: number;

  /** Plain text as written; null only once the author's account is erased. */
  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ type: 'varchar', length: 16, default: 'visible' })
  status: CommentStatus;

  /** Visible descendants (for a top-level comment: its whole visible subtree). */
  @Column({ type: 'integer', default: 0 })
  replyCount: number;

  @Column({ type: 'integer', default: 0 })
  reactionCount: number;

  /** Reports not yet resolved by a moderator. */
  @Column({ type: 'integer', default: 0 })
  openReportCount: number;

  @Column({ type: 'boolean', default: false })
  featured: boolean;

  /** When a moderator last featured it; null exactly when it is not featured. */
  @Column({ type: 'timestamptz', nullable: true })
  featuredAt: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  hiddenReason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  editedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
