import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface ArticleFields {
  title: string;
  url: string;
  publishedAt: Date | null | undefined;
  commentsOpen: boolean | undefined;
  commentsCloseAt: Date | null | undefined;
  appealId: string | null | undefined;
}

/** An article as the rest of the app sees it: `commentsOpen` is whether comments are open now. */
export interface ArticleRecord {
  id: string;
  title: string;
  url: string;
  publishedAt: Date | null;
  /** Open now: the stored flag, unless the close time has passed (and no moderator opened them since). */
  commentsOpen: boolean;
  /** The flag as the CMS and moderators set it. */
  storedCommentsOpen: boolean;
  /** When comments close: the article's own close time, else publication plus the close-after days; null: never. */
  closeAt: Date | null;
  ownCloseAt: Date | null;
  appealId: string | null;
  commentCount: number;
}

/** A close the closing job claimed and marked announced. */
export interface DueClose {
  id: string;
  closeAt: Date;
}

/** The article with what its SQL interfaces say about closing (`articles_effective_close_at`, `articles_open_now`). */
const ARTICLE_RECORD = `
  SELECT a.id, a.title, a.url, a.published_at AS "publishedAt",
         articles_open_now(a.comments_open, c.close_at, a.reopened_at) AS "commentsOpen",
         a.comments_open AS "storedCommentsOpen", c.close_at AS "closeAt", a.comments_close_at AS "ownCloseAt",
         a.appeal_id AS "appealId", a.comment_count AS "commentCount"
    FROM articles a
   CROSS JOIN LATERAL (SELECT articles_effective_close_at(a.comments_close_at, a.published_at) AS close_at) c`;

/** Open articles whose close time has come and whose close nobody has announced yet (the partial indexes' rows). */
const DUE_CLOSES = `
  SELECT a.id, c.close_at
    FROM articles a
   CROSS JOIN LATERAL (SELECT articles_effective_close_at(a.comments_close_at, a.published_at) AS close_at) c
   WHERE a.comments_open AND a.close_announced_for IS NULL
     AND ((a.comments_close_at IS NOT NULL AND a.comments_close_at <= $2::timestamptz)
       OR (a.comments_close_at IS NULL AND a.published_at IS NOT NULL
           AND a.published_at <= $2::timestamptz - make_interval(days => moderation_close_after_days())))
     AND (a.reopened_at IS NULL OR a.reopened_at < c.close_at)`;

@Injectable()
export class ArticlesRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  async findById(id: string): Promise<ArticleRecord | null> {
    const rows: ArticleRecord[] = await this.tx.query(`${ARTICLE_RECORD} WHERE a.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The article under a row lock, for a read-modify-write of the article itself; null when there is none. */
  async findByIdForUpdate(id: string): Promise<ArticleRecord | null> {
    const rows: ArticleRecord[] = await this.tx.query(`${ARTICLE_RECORD} WHERE a.id = $1 FOR UPDATE OF a`, [id]);
    return rows[0] ?? null;
  }

  /**
   * Inserts or updates in one statement; fields left undefined keep their stored value. A new close time (its own,
   * or a new publication time when it has none) starts a new schedule: what was announced or reopened for the old one
   * no longer counts. Turning the flag on again counts as reopening.
   */
  async upsert(id: string, fields: ArticleFields): Promise<{ created: boolean }> {
    const rows: { created: boolean }[] = await this.tx.query(
      `INSERT INTO articles AS a (id, title, url, published_at, comments_open, comments_close_at, appeal_id)
       VALUES ($1, $2, $3, $4, COALESCE($5, true), $9, $6)
       ON CONFLICT (id) DO UPDATE SET
         title = EXCLUDED.title,
         url = EXCLUDED.url,
         published_at = CASE WHEN $7 THEN EXCLUDED.published_at ELSE a.published_at END,
         comments_open = COALESCE($5, a.comments_open),
         comments_close_at = CASE WHEN $10 THEN EXCLUDED.comments_close_at ELSE a.comments_close_at END,
         reopened_at = CASE
           WHEN ($10 AND EXCLUDED.comments_close_at IS DISTINCT FROM a.comments_close_at)
             OR ($7 AND EXCLUDED.published_at IS DISTINCT FROM a.published_at) THEN NULL
           WHEN $5 AND NOT a.comments_open THEN now()
           ELSE a.reopened_at END,
         close_announced_for = CASE
           WHEN ($10 AND EXCLUDED.comments_close_at IS DISTINCT FROM a.comments_close_at)
             OR ($7 AND EXCLUDED.published_at IS DISTINCT FROM a.published_at) THEN NULL
           ELSE a.close_announced_for END,
         appeal_id = CASE WHEN $8 THEN EXCLUDED.appeal_id ELSE a.appeal_id END,
         updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [
        id,
        fields.title,
        fields.url,
        fields.publishedAt ?? null,
        fields.commentsOpen ?? null,
        fields.appealId ?? null,
        fields.publishedAt !== undefined,
        fields.appealId !== undefined,
        fields.commentsCloseAt ?? null,
        fields.commentsCloseAt !== undefined,
      ],
    );
    return { created: rows[0].created };
  }

  /** Closes the stored flag. */
  async close(id: string): Promise<void> {
    await this.tx.query(`UPDATE articles SET comments_open = false, updated_at = now() WHERE id = $1`, [id]);
  }

  /** Opens the flag as a moderator's reopening: it outlasts a close time already passed, whose close counts as announced. */
  async reopen(id: string): Promise<void> {
    await this.tx.query(
      `UPDATE articles a SET comments_open = true, reopened_at = now(), updated_at = now(),
              close_announced_for = CASE WHEN c.close_at <= now() THEN c.close_at ELSE a.close_announced_for END
         FROM (SELECT articles_effective_close_at(comments_close_at, published_at) AS close_at FROM articles WHERE id = $1) c
        WHERE a.id = $1`,
      [id],
    );
  }

  /** Records that the close at `closeAt` needs no announcing (it was announced, or never applied to an open article). */
  async markCloseAnnounced(id: string, closeAt: Date): Promise<void> {
    await this.tx.query(`UPDATE articles SET close_announced_for = $2 WHERE id = $1`, [id, closeAt]);
  }

  /**
   * Claims up to `limit` articles whose close time has come by `now` and whose close is not announced yet, and marks
   * them announced (in the caller's transaction, with the events it publishes); locked rows are left to whoever holds them.
   */
  async claimDueCloses(now: Date, limit: number): Promise<DueClose[]> {
    const rows: DueClose[] = await this.tx.query(
      `WITH due AS (${DUE_CLOSES} ORDER BY a.id LIMIT $1 FOR UPDATE OF a SKIP LOCKED),
       announced AS (
         UPDATE articles a SET close_announced_for = due.close_at FROM due WHERE a.id = due.id
         RETURNING a.id, due.close_at AS "closeAt"
       )
       SELECT id, "closeAt" FROM announced`,
      [limit, now],
    );
    return rows;
  }

  /** The soonest close time after `now` and no later than `until` that the closing job will have to announce. */
  async nextCloseBetween(now: Date, until: Date): Promise<Date | null> {
    const rows: { next: Date | null }[] = await this.tx.query(
      `SELECT min(c.close_at) AS next
         FROM articles a
        CROSS JOIN LATERAL (SELECT articles_effective_close_at(a.comments_close_at, a.published_at) AS close_at) c
        WHERE a.comments_open AND a.close_announced_for IS NULL
          AND ((a.comments_close_at > $1::timestamptz AND a.comments_close_at <= $2::timestamptz)
            OR (a.comments_close_at IS NULL AND a.published_at > $1::timestamptz - make_interval(days => moderation_close_after_days())
                AND a.published_at <= $2::timestamptz - make_interval(days => moderation_close_after_days())))`,
      [now, until],
    );
    return rows[0]?.next ?? null;
  }

  /**
   * After the close-after days changed: articles that follow them and would be open again under the new value
   * (their announced close is now in the future) get their close announced again when it comes.
   */
  async forgetAnnouncedDefaultCloses(): Promise<number> {
    const rows: unknown[] = await this.tx.query(
      `WITH forgotten AS (
         UPDATE articles SET close_announced_for = NULL
          WHERE comments_close_at IS NULL AND close_announced_for IS NOT NULL AND comments_open
            AND (articles_effective_close_at(NULL, published_at) IS NULL OR articles_effective_close_at(NULL, published_at) > now())
            AND (reopened_at IS NULL OR reopened_at < close_announced_for)
          RETURNING id
       )
       SELECT id FROM forgotten`,
    );
    return rows.length;
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

  /** Locks the row for changing the article itself, so two moderators toggling it at once write one audit entry. */
  async lockForUpdate(id: string): Promise<void> {
    await this.tx.query(`SELECT 1 FROM articles WHERE id = $1 FOR UPDATE`, [id]);
  }

  /** Row lock taken before any comment status change, so counter updates always lock the article first. */
  async lockForCommentWrite(id: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query('SELECT id FROM articles WHERE id = $1 FOR NO KEY UPDATE', [id]);
    return rows.length > 0;
  }
}
