import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Article } from './article.entity';

export interface ArticleFields {
  title: string;
  url: string;
  publishedAt: Date | null | undefined;
  commentsOpen: boolean | undefined;
  appealId: string | null | undefined;
}

@Injectable()
export class ArticlesRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }


  findById(id: string): Promise<Article | null> {
    return this.tx.findOne(Article, { where: { id } });
  }

  /** Inserts or updates in one statement; fields left undefined keep their stored value. */
  async upsert(id: string, fields: ArticleFields): Promise<{ article: Article; created: boolean }> {
    const rows: (Record<string, unknown> & { created: boolean })[] = await this.tx.query(
      `INSERT INTO articles AS a (id, title, url, published_at, comments_open, appeal_id)
       VALUES ($1, $2, $3, $4, COALESCE($5, true), $6)
       ON CONFLICT (id) DO UPDATE SET
         title = EXCLUDED.title,
         url = EXCLUDED.url,
         published_at = CASE WHEN $7 THEN EXCLUDED.published_at ELSE a.published_at END,
         comments_open = COALESCE($5, a.comments_open),
         appeal_id = CASE WHEN $8 THEN EXCLUDED.appeal_id ELSE a.appeal_id END,
         updated_at = now()
       RETURNING (xmax = 0) AS created, id`,
      [
        id,
        fields.title,
        fields.url,
        fields.publishedAt ?? null,
        fields.commentsOpen ?? null,
        fields.appealId ?? null,
        fields.publishedAt !== undefined,
        fields.appealId !== undefined,
      ],
    );
    const article = await this.findById(id);
    return { article: article as Article, created: rows[0].created };
  }

  /** Locks an existing article's row and tells whether its comments are open; null when there is no such article. */
  async lockCommentsOpen(id: string): Promise<boolean | null> {
    const rows: { comments_open: boolean }[] = await this.tx.query(`SELECT comments_open FROM articles WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0]?.comments_open ?? null;
  }

  async setCommentsOpen(id: string, commentsOpen: boolean): Promise<Article | null> {
    await this.tx.query(`UPDATE articles SET comments_open = $2, updated_at = now() WHERE id = $1`, [id, commentsOpen]);
    return this.findById(id);
  }

  async countsFor(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; comment_count: number }[] = await this.tx.query(
      `SELECT id, comment_count FROM articles WHERE id = ANY($1::varchar[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.comment_count]));
  }

  async adjustCommentCount(id: string, delta: number): Promise<void> {
    if (delta === 0) return;
    // The one implementation of the move, shared with the comments module's posting statement.
    await this.tx.query(`SELECT articles_bump_comment_count($1, $2)`, [id, delta]);
  }

  /** Row lock taken before any comment status change, so counter updates always lock the article first. */
  /** Locks the row for changing the article itself, so two moderators toggling it at once write one audit entry. */
  async lockForUpdate(id: string): Promise<void> {
    await this.tx.query(`SELECT 1 FROM articles WHERE id = $1 FOR UPDATE`, [id]);
  }

  async lockForCommentWrite(id: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query('SELECT id FROM articles WHERE id = $1 FOR NO KEY UPDATE', [id]);
    return rows.length > 0;
  }
}
