import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An article registered by the CMS; its id is the CMS's own. */
@Entity('articles')
@Check('articles_id_format_check', `"id" ~ '^[A-Za-z0-9._:-]{1,128}$'`)
@Check('articles_comment_count_check', `"comment_count" >= 0`)
export class Article {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'boolean', default: true })
  commentsOpen: boolean;

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
