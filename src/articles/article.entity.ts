import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An article registered by the CMS; its id is the CMS's own. */
@Entity('articles')
@Check('articles_id_format_check', `"id" ~ '^[A-Za-z0-9._:-]{1,128}$'`)
@Check('articles_comment_count_check', `"comment_count" >= 0`)
// The closing job's scans (partial indexes; see the ModerationRules migration).
@Index('articles_own_close_due_idx', { synchronize: false })
@Index('articles_default_close_due_idx', { synchronize: false })
export class Article {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** Whether comments are open as far as the CMS and moderators set it; the close time may close them earlier. */
  @Column({ type: 'boolean', default: true })
  commentsOpen: boolean;

  /** The article's own close time; without one, `publishedAt` plus the close-after days of the moderation settings. */
  @Column({ type: 'timestamptz', nullable: true })
  commentsCloseAt: Date | null;

  /** When a moderator last opened the comments; an opening after the close time keeps them open. */
  @Column({ type: 'timestamptz', nullable: true })
  reopenedAt: Date | null;

  /** The close time whose closing has been announced (`article.commentsClosed`); null while none is. */
  @Column({ type: 'timestamptz', nullable: true })
  closeAnnouncedFor: Date | null;

  /** The support appeal shown under the article; null means the site-wide default. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  appealId: string | null;

  /** Visible comments in the article, kept in the same transaction as each comment write. */
  @Column({ type: 'integer', default: 0 })
  commentCount: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
