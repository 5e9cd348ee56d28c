import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReportReason } from './comment-report.entity';
import { KeyedRow, SORTS, SortKey } from './comment-sorts';
import { CommentStatus } from './comment.entity';

export const QUEUE_STATES = ['reported', 'pending', 'hidden'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Where the previous page ended; `reportCount` only matters for the reported queue. */
export interface QueuePosition {
  reportCount: number;
  createdKey: string;
  id: string;
}

export interface QueueRow extends QueuePosition {
  articleId: string;
  articleTitle: string | null;
  authorId: string | null;
  hiddenReason: string | null;
}

export interface OpenReportRow {
  commentId: string;
  reason: ReportReason;
  note: string | null;
  createdAt: Date;
}

export interface AuthorStandingRow {
  userId: string;
  suspendedUntil: Date | null;
  bannedAt: Date | null;
  hiddenCommentCount: number;
}

/** Most reports first, then the oldest; pending oldest first (a queue); hidden newest first. */
interface QueueSpec {
  where: string;
  orderBy: string;
  /** The keyset condition and its parameters, numbered from $2 ($1 is the limit). */
  after: (position: QueuePosition) => { condition: string; parameters: unknown[] };
}

const QUEUE_ORDER: Record<QueueState, QueueSpec> = {
  reported: {
    where: `c.open_report_count > 0 AND c.status <> 'deleted'`,
    orderBy: 'c.open_report_count DESC, c.created_at ASC, c.id ASC',
    after: (position) => ({
      condition: `(c.open_report_count < $2 OR (c.open_report_count = $2 AND (c.created_at, c.id) > ($3::timestamptz, $4::uuid)))`,
      parameters: [position.reportCount, position.createdKey, position.id],
    }),
  },
  pending: {
    where: `c.status = 'pending'`,
    orderBy: 'c.created_at ASC, c.id ASC',
    after: (position) => ({
      condition: `(c.created_at, c.id) > ($2::timestamptz, $3::uuid)`,
      parameters: [position.createdKey, position.id],
    }),
  },
  hidden: {
    where: `c.status = 'hidden'`,
    orderBy: 'c.created_at DESC, c.id DESC',
    after: (position) => ({
      condition: `(c.created_at, c.id) < ($2::timestamptz, $3::uuid)`,
      parameters: [position.createdKey, position.id],
    }),
  },
};

/**
 * What the moderators' queue reads of comments and their reports (with the
 * article title and author standing through the articles and users modules'
 * views), each query fetching what a whole page needs at once.
 */
@Injectable()
export class CommentReviewRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  /** `limit + 1` rows of one queue, after `position` when given. */
  findQueuePage(state: QueueState, limit: number, position?: QueuePosition): Promise<QueueRow[]> {
    const spec = QUEUE_ORDER[state];
    const parameters: unknown[] = [limit + 1];
    let after = '';
    if (position) {
      const { condition, parameters: keys } = spec.after(position);
      parameters.push(...keys);
      after = `AND ${condition}`;
    }
    return this.tx.query(
      `SELECT c.id, c.open_report_count AS "reportCount",
              to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdKey",
              c.article_id AS "articleId", a.title AS "articleTitle", c.author_id AS "authorId", c.hidden_reason AS "hiddenReason"
         FROM comments c
         LEFT JOIN article_titles a ON a.id = c.article_id
        WHERE ${spec.where} ${after}
        ORDER BY ${spec.orderBy}
        LIMIT $1`,
      parameters,
    );
  }

  /** Open reports of many comments, oldest first, at most `perComment` each. */
  findOpenReports(commentIds: string[], perComment: number): Promise<OpenReportRow[]> {
    if (commentIds.length === 0) return Promise.resolve([]);
    return this.tx.query(
      `SELECT r."commentId", r.reason, r.note, r."createdAt"
         FROM unnest($1::uuid[]) AS wanted(id)
         CROSS JOIN LATERAL (
           SELECT comment_id AS "commentId", reason, note, created_at AS "createdAt"
             FROM comment_reports
            WHERE comment_id = wanted.id AND resolved_at IS NULL
            ORDER BY created_at, id
            LIMIT $2
         ) r`,
      [commentIds, perComment],
    );
  }

  /** Suspension, ban and how many of their comments moderators have hidden, for many authors at once. */
  findAuthorStandings(userIds: string[]): Promise<AuthorStandingRow[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.tx.query(
      `SELECT u.id AS "userId", u.suspended_until AS "suspendedUntil", u.banned_at AS "bannedAt",
              (SELECT count(*)::int FROM comments h WHERE h.author_id = u.id AND h.status = 'hidden') AS "hiddenCommentCount"
         FROM user_profiles u
        WHERE u.id = ANY($1::uuid[])`,
      [userIds],
    );
  }

  /** How many of the author's comments are in each status, in one pass over `comments_author_status_idx`. */
  async countByStatusOfAuthor(authorId: string): Promise<Record<CommentStatus, number>> {
    const rows: { status: CommentStatus; count: number }[] = await this.tx.query(
      `SELECT status, count(*)::int AS count FROM comments WHERE author_id = $1 GROUP BY status`,
      [authorId],
    );
    const counts: Record<CommentStatus, number> = { visible: 0, pending: 0, hidden: 0, deleted: 0 };
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }

  /** Reports readers (or the suspect-word rule) filed against the author's comments: all of them, and those still open. */
  async countReportsAgainstAuthor(authorId: string): Promise<{ total: number; open: number }> {
    const [row]: { total: number; open: number }[] = await this.tx.query(
      `SELECT count(*)::int AS total, (count(*) FILTER (WHERE r.resolved_at IS NULL))::int AS open
         FROM comments c JOIN comment_reports r ON r.comment_id = c.id
        WHERE c.author_id = $1`,
      [authorId],
    );
    return row;
  }

  /**
   * One page of the author's comments of every status (or of one), newest first
   * (limit + 1 rows), on `comments_author_idx` or `comments_author_status_idx`.
   */
  findAuthorCommentsPage(authorId: string, status: CommentStatus | undefined, after: SortKey | undefined, limit: number): Promise<KeyedRow[]> {
    const params: unknown[] = [authorId, limit + 1];
    let filter = '';
    if (status) {
      params.push(status);
      filter = `AND c.status = $${params.length}`;
    }
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = `AND ${SORTS.newest.after(`$${params.length - 1}`, `$${params.length}`)}`;
    }
    return this.tx.query(
      `SELECT c.id, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdKey",
              c.reaction_count AS "reactionCount", c.reply_count AS "replyCount"
         FROM comments c
        WHERE c.author_id = $1 ${filter} ${keyset}
        ORDER BY ${SORTS.newest.orderBy} LIMIT $2`,
      params,
    );
  }

  /** Row lock on a comment, so two moderators acting on it at once apply one after the other. */
  async lockComment(id: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(`SELECT 1 FROM comments WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length > 0;
  }
}
