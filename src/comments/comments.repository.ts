import { ReportReason } from './comment-report.entity';
import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Role } from '../common/auth/role';
import { visibleToViewerSql } from './comment-access';
import { KeyedRow, SORTS, SortKey, ThreadSort } from './comment-sorts';
import { CommentVersion } from './comment-version.entity';
import { Comment, CommentStatus } from './comment.entity';
import { isUuid } from '../common/validation/uuid';

/** Who is reading, as the list queries filter for them. */
export interface ViewerStance {
  ignoresSomeone: boolean;
  hasUnlistedOwnComments: boolean;
  reactedIds: string[];
}

export interface ReaderScope {
  viewerId: string | null;
  staff: boolean;
  ignoredIds: string[];
}

/** A comment joined with what its view needs (author, answered author, viewer's reaction). */
export interface HydratedRow {
  id: string;
  articleId: string;
  authorId: string | null;
  parentId: string | null;
  rootId: string | null;
  depth: number;
  body: string | null;
  status: CommentStatus;
  replyCount: number;
  reactionCount: number;
  featured: boolean;
  createdAt: Date;
  editedAt: Date | null;
  authorDisplayName: string | null;
  authorRole: Role | null;
  authorErased: boolean;
  parentAuthorDisplayName: string | null;
  viewerReacted: boolean;
}

/** Where a page of picks ended: when the last one shown was featured (text with microseconds) and its id. */
export interface PickPosition {
  featuredKey: string;
  id: string;
}

export type PickRow = PickPosition;

/** A comment to post; its place in the tree (root, depth) comes from the parent. */
export interface NewComment {
  articleId: string;
  authorId: string;
  parentId: string | null;
  body: string;
  status: 'visible' | 'pending';
  /** A report filed by the system with the comment (no reporter), which puts it in the reported queue. */
  systemReport: { reason: ReportReason; note: string } | null;
}

/** The parent a new reply names, as the posting checks need it. */
export interface PostedParent {
  articleId: string;
  authorId: string | null;
  status: CommentStatus;
}

/** What the posting statement found, and the new comment when it passed the checks. */
export interface PostAttempt {
  duplicate: boolean;
  parent: PostedParent | null;
  comment: HydratedRow | null;
  /** Whether the author is a supporter now (donations' `donations_supporter_active`), for the 201's `author.isSupporter`. */
  authorIsSupporter: boolean;
}

/** What `comments_post` answers (JSON: dates as ISO-8601 text). */
type PostResultJson =
  | { outcome: 'article_not_found' }
  | { outcome: 'author_gone' }
  | { outcome: 'closed' }
  | { outcome: 'context_changed'; policyContext: unknown }
  | {
      outcome: 'posted' | 'refused';
      duplicate: boolean;
      parent: PostedParent | null;
      comment?: Omit<HydratedRow, 'createdAt' | 'editedAt' | 'viewerReacted'> & { createdAt: string; editedAt: string | null };
    };

/** How a post went: refused before any check of its own, stopped by a new settings stamp, or checked (and maybe posted). */
export type PostOutcome =
  | { outcome: 'article_not_found' }
  | { outcome: 'author_gone' }
  | { outcome: 'closed' }
  | { outcome: 'context_changed'; policyContext: unknown }
  | { outcome: 'attempted'; attempt: PostAttempt };

const KEYED_COLUMNS = `c.id,
  to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdKey",
  c.reaction_count AS "reactionCount", c.reply_count AS "replyCount"`;

@Injectable()
export class CommentsRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }



  findById(id: string): Promise<Comment | null> {
    return this.tx.findOne(Comment, { where: { id } });
  }

  /** Like findById, but any id that is not a UUID simply finds nothing. */
  async findByIdIfUuid(id: string): Promise<Comment | null> {
    return isUuid(id) ? this.findById(id) : null;
  }

  /** The article of a comment (any status), or null when there is none with this id. */
  async findArticleId(id: string): Promise<string | null> {
    const rows: { article_id: string }[] = await this.tx.query('SELECT article_id FROM comments WHERE id = $1', [id]);
    return rows[0]?.article_id ?? null;
  }

  /** The row under FOR UPDATE, so status and counter changes on it take turns. */
  lockById(id: string): Promise<Comment | null> {
    return this.tx.findOne(Comment, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Comments by id with author, answered author and the viewer's reaction, in one query (any order). */
  hydrate(ids: string[], viewerId: string | null): Promise<HydratedRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.tx.query(
      `SELECT c.id, c.article_id AS "articleId", c.author_id AS "authorId", c.parent_id AS "parentId",
              c.root_id AS "rootId", c.depth, c.body, c.status, c.reply_count AS "replyCount",
              c.reaction_count AS "reactionCount", c.featured, c.created_at AS "createdAt", c.edited_at AS "editedAt",
              u.display_name AS "authorDisplayName", u.role AS "authorRole", (u.erased_at IS NOT NULL) AS "authorErased",
              pu.display_name AS "parentAuthorDisplayName",
              (r.user_id IS NOT NULL) AS "viewerReacted"
         FROM comments c
         LEFT JOIN user_profiles u ON u.id = c.author_id
         LEFT JOIN comments p ON p.id = c.parent_id
         LEFT JOIN user_profiles pu ON pu.id = p.author_id
         LEFT JOIN comment_reactions r ON r.comment_id = c.id AND r.user_id = $2::uuid
        WHERE c.id = ANY($1::uuid[])`,
      [ids, viewerId],
    );
  }

  /** One page of an article's top-level comments in `sort` order (limit + 1 rows). */
  findTopLevelPage(articleId: string, sort: ThreadSort, after: SortKey | undefined, limit: number, scope: ReaderScope): Promise<KeyedRow[]> {
    const spec = SORTS[sort];
    const params: unknown[] = [articleId, scope.viewerId, scope.staff, scope.ignoredIds, limit + 1];
    const keyset = after ? `AND ${spec.after('$6', '$7')}` : '';
    if (after) params.push(after[0], after[1]);
    return this.tx.query(
      `SELECT ${KEYED_COLUMNS} FROM comments c
        WHERE c.article_id = $1 AND c.parent_id IS NULL
          AND ${visibleToViewerSql('c', '$2', '$3', '$4')} ${keyset}
        ORDER BY ${spec.orderBy} LIMIT $5`,
      params,
    );
  }

  /** The first `perRoot` descendants (oldest first) of each top-level comment, in one query. */
  findFirstReplies(rootIds: string[], perRoot: number, scope: ReaderScope): Promise<{ rootId: string; id: string }[]> {
    if (rootIds.length === 0) return Promise.resolve([]);
    return this.tx.query(
      `SELECT root.id AS "rootId", first.id
         FROM unnest($1::uuid[]) AS root(id)
         CROSS JOIN LATERAL (
           SELECT c.id, c.created_at FROM comments c
            WHERE c.root_id = root.id AND ${visibleToViewerSql('c', '$2', '$3', '$4')}
            ORDER BY c.created_at, c.id LIMIT $5
         ) first
        ORDER BY root.id, first.created_at, first.id`,
      [rootIds, scope.viewerId, scope.staff, scope.ignoredIds, perRoot],
    );
  }

  /** One page of all descendants of a top-level comment, oldest first (limit + 1 rows). */
  findRepliesPage(rootId: string, after: SortKey | undefined, limit: number, scope: ReaderScope): Promise<KeyedRow[]> {
    const params: unknown[] = [rootId, scope.viewerId, scope.staff, scope.ignoredIds, limit + 1];
    const keyset = after ? `AND ${SORTS.oldest.after('$6', '$7')}` : '';
    if (after) params.push(after[0], after[1]);
    return this.tx.query(
      `SELECT ${KEYED_COLUMNS} FROM comments c
        WHERE c.root_id = $1 AND ${visibleToViewerSql('c', '$2', '$3', '$4')} ${keyset}
        ORDER BY ${SORTS.oldest.orderBy} LIMIT $5`,
      params,
    );
  }

  /**
   * How far each of `comments` is from the `replyCount` this viewer would see,
   * in one aggregate query whatever the page holds. The stored counter counts
   * the descendants everyone sees (`countsAsVisible`: visible ones, so an
   * anonymous reader's count); a viewer sees fewer when they ignore some authors
   * and more when they may see pending ones (their own, or all for staff). Only
   * the descendants where the two views differ are read (few: the rule below is
   * `visibleToViewerSql`, the one the pages use), and each is walked up to its
   * ancestors, so a nested reply moves every count above it. Ids with no
   * difference are left out.
   */
  async findReplyCountAdjustments(comments: { id: string; rootId: string | null }[], scope: ReaderScope): Promise<Map<string, number>> {
    if (comments.length === 0) return new Map();
    const rootIds = [...new Set(comments.map((comment) => comment.rootId ?? comment.id))];
    const rows: { id: string; delta: number }[] = await this.tx.query(
      `WITH RECURSIVE differing AS (
         SELECT c.parent_id AS ancestor_id, CASE WHEN c.status = 'visible' THEN -1 ELSE 1 END AS delta
           FROM comments c
          WHERE c.root_id = ANY($1::uuid[])
            AND (c.status = 'pending' OR c.author_id = ANY($5::uuid[]))
            AND (c.status = 'visible') <> (c.status IN ('visible', 'pending') AND ${visibleToViewerSql('c', '$3', '$4', '$5')})
       ), ancestors(id, delta) AS (
         SELECT ancestor_id, delta FROM differing
         UNION ALL
         SELECT p.parent_id, a.delta FROM ancestors a JOIN comments p ON p.id = a.id WHERE p.parent_id IS NOT NULL
       )
       SELECT id, sum(delta)::int AS delta FROM ancestors WHERE id = ANY($2::uuid[]) GROUP BY id`,
      [rootIds, comments.map((comment) => comment.id), scope.viewerId, scope.staff, scope.ignoredIds],
    );
    return new Map(rows.map((row) => [row.id, row.delta]));
  }

  /** One page of a reader's visible comments, newest first (limit + 1 rows). */
  findVisibleByAuthorPage(authorId: string, after: SortKey | undefined, limit: number): Promise<KeyedRow[]> {
    const params: unknown[] = [authorId, limit + 1];
    const keyset = after ? `AND ${SORTS.newest.after('$3', '$4')}` : '';
    if (after) params.push(after[0], after[1]);
    return this.tx.query(
      `SELECT ${KEYED_COLUMNS} FROM comments c
        WHERE c.author_id = $1 AND c.status = 'visible' ${keyset}
        ORDER BY ${SORTS.newest.orderBy} LIMIT $2`,
      params,
    );
  }

  /**
   * The row just before a comment in oldest-first order of its list (its thread's
   * replies, or its article's top-level comments): a cursor on it starts the page
   * with the comment, whatever the viewer is allowed to see in between.
   */
  async findPrecedingRow(comment: Pick<Comment, 'id' | 'articleId' | 'rootId' | 'createdAt'>): Promise<KeyedRow | null> {
    const list = comment.rootId ? 'c.root_id = $1' : 'c.article_id = $1 AND c.parent_id IS NULL';
    const rows: KeyedRow[] = await this.tx.query(
      `SELECT ${KEYED_COLUMNS} FROM comments c
        WHERE ${list} AND (c.created_at, c.id) < ((SELECT created_at FROM comments WHERE id = $2), $2::uuid)
        ORDER BY c.created_at DESC, c.id DESC LIMIT 1`,
      [comment.rootId ?? comment.articleId, comment.id],
    );
    return rows[0] ?? null;
  }

  /** Erasure's article locks, in id order (the order two erasures and every comment write agree on). */
  async lockArticlesOfAuthor(authorId: string): Promise<void> {
    await this.tx.query(
      `SELECT 1 FROM articles_lock_for_comment_writes(ARRAY(SELECT DISTINCT article_id FROM comments WHERE author_id = $1))`,
      [authorId],
    );
  }

  /**
   * A whole post in one call of `comments_post` (the comments migration's PL/pgSQL function, whose statements keep
   * their plans per connection). In lock order, each on a fresh snapshot: the author's account lock with the "not
   * erased" check (users' `margin_lock_active_account`), the reader's posting lock (so the duplicate check holds under
   * concurrency), the article's lock *shared* with other posts (articles' `articles_share_for_posting`, which also
   * says whether comments are open now), then the settings stamp (`moderation_posting_context()`): when it is not
   * `expectedContext` (the stamp `comment.status` was worked out for) nothing is written and the current stamp comes
   * back. Otherwise it reads the parent and looks for the same text in the last `duplicateWindowMinutes`, and when the
   * parent is a visible comment of the article (or there is none) and there is no duplicate, inserts the comment (with
   * its system report) and, when it starts visible, moves the counters `CommentCountersService` moves for a comment
   * becoming visible (the article's as a pending delta, so no post waits on the article row). The same statement
   * reads whether the author is a supporter (the 201 shows it), so that costs no round trip of its own.
   */
  async post(comment: NewComment, duplicateWindowMinutes: number, expectedContext: unknown): Promise<PostOutcome> {
    const [row]: { result: PostResultJson; supporter: boolean }[] = await this.tx.query(
      `SELECT comments_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) AS result, donations_supporter_active($2) AS supporter`,
      [
        comment.articleId,
        comment.authorId,
        comment.parentId,
        comment.body,
        comment.body.trim(),
        comment.status,
        duplicateWindowMinutes,
        comment.systemReport?.reason ?? null,
        comment.systemReport?.note ?? null,
        expectedContext === undefined || expectedContext === null ? null : JSON.stringify(expectedContext),
      ],
    );
    const result = row.result;
    if (result.outcome === 'context_changed' || result.outcome === 'article_not_found' || result.outcome === 'author_gone' || result.outcome === 'closed') {
      return result;
    }
    const stored = result.comment;
    return {
      outcome: 'attempted',
      attempt: {
        duplicate: result.duplicate,
        parent: result.parent,
        authorIsSupporter: row.supporter === true,
        comment: stored
          ? { ...stored, createdAt: new Date(stored.createdAt), editedAt: stored.editedAt ? new Date(stored.editedAt) : null, viewerReacted: false }
          : null,
      },
    };
  }

  /** Moves `reply_count` of `parentId` and of every comment above it by `delta`. */
  async adjustAncestorReplyCounts(parentId: string, delta: 1 | -1): Promise<void> {
    await this.tx.query(
      `WITH RECURSIVE ancestors(id, parent_id) AS (
         SELECT id, parent_id FROM comments WHERE id = $1
         UNION ALL
         SELECT c.id, c.parent_id FROM comments c JOIN ancestors a ON c.id = a.parent_id
       )
       UPDATE comments SET reply_count = reply_count + $2 WHERE id IN (SELECT id FROM ancestors)`,
      [parentId, delta],
    );
  }

  async hasReplies(id: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query('SELECT 1 FROM comments WHERE parent_id = $1 LIMIT 1', [id]);
    return rows.length > 0;
  }

  /** Keeps the replaced body in comment_versions and stores the new one. */
  async replaceBody(comment: Comment, body: string): Promise<void> {
    await this.tx.insert(CommentVersion, { commentId: comment.id, body: comment.body });
    await this.tx.update(Comment, { id: comment.id }, { body, editedAt: () => 'now()' });
  }

  async updateStatus(id: string, status: CommentStatus, hiddenReason: string | null): Promise<void> {
    await this.tx.query(
      `UPDATE comments SET status = $2::varchar, hidden_reason = $3,
              deleted_at = CASE WHEN $2::varchar = 'deleted' THEN COALESCE(deleted_at, now()) ELSE NULL END
        WHERE id = $1`,
      [id, status, hiddenReason],
    );
  }

  /** Featuring stamps the time (the picks' order); unfeaturing clears it. */
  async setFeatured(id: string, featured: boolean): Promise<void> {
    await this.tx.query(
      `UPDATE comments SET featured = $2::boolean, featured_at = CASE WHEN $2::boolean THEN now() ELSE NULL END WHERE id = $1`,
      [id, featured],
    );
  }

  /**
   * One page of an article's picks: its featured comments that are visible,
   * most recently featured first (limit + 1 rows), on `comments_picks_idx`;
   * the viewer's ignores left out.
   */
  findPicksPage(articleId: string, after: PickPosition | undefined, limit: number, ignoredIds: string[]): Promise<PickRow[]> {
    const params: unknown[] = [articleId, ignoredIds, limit + 1];
    const keyset = after ? `AND (c.featured_at, c.id) < ($4::timestamptz, $5::uuid)` : '';
    if (after) params.push(after.featuredKey, after.id);
    return this.tx.query(
      `SELECT c.id, to_char(c.featured_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "featuredKey"
         FROM comments c
        WHERE c.article_id = $1 AND c.featured AND c.status = 'visible'
          AND (c.author_id IS NULL OR NOT (c.author_id = ANY($2::uuid[]))) ${keyset}
        ORDER BY c.featured_at DESC, c.id DESC LIMIT $3`,
      params,
    );
  }

  /** Marks every open report resolved and zeroes the counter; returns how many were open. */
  async resolveOpenReports(commentId: string): Promise<number> {
    const rows: unknown[] = await this.tx.query(
      `WITH resolved AS (
         UPDATE comment_reports SET resolved_at = now() WHERE comment_id = $1 AND resolved_at IS NULL RETURNING id
       ) SELECT id FROM resolved`,
      [commentId],
    );
    await this.tx.query('UPDATE comments SET open_report_count = 0 WHERE id = $1', [commentId]);
    return rows.length;
  }

  listVersions(commentId: string): Promise<CommentVersion[]> {
    return this.tx.find(CommentVersion, { where: { commentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findCountedByAuthor(authorId: string): Promise<Comment[]> {
    return this.tx.find(Comment, { where: { authorId, status: 'visible' } });
  }

  /**
   * What makes a reader's view of a thread's first page differ from the public
   * one, in one round trip: whether they ignore anyone (`ignored_authors`, the follows
   * module's SQL function), whether they have comments in the
   * article the public does not see as they do (pending, or tombstones whose body
   * they still see), and which of `commentIds` they recommended.
   */
  async findViewerStance(articleId: string, viewerId: string, commentIds: string[]): Promise<ViewerStance> {
    const [row]: { ignores_someone: boolean; has_unlisted: boolean; reacted_ids: string[] }[] = await this.tx.query(
      `SELECT EXISTS (SELECT 1 FROM ignored_authors($1)) AS ignores_someone,
              EXISTS (SELECT 1 FROM comments WHERE author_id = $1 AND article_id = $2 AND status <> 'visible') AS has_unlisted,
              ARRAY(SELECT comment_id FROM comment_reactions WHERE user_id = $1 AND comment_id = ANY($3::uuid[]))::text[] AS reacted_ids`,
      [viewerId, articleId, commentIds],
    );
    return { ignoresSomeone: row.ignores_someone, hasUnlistedOwnComments: row.has_unlisted, reactedIds: row.reacted_ids };
  }

  async findArticleIdsByAuthor(authorId: string): Promise<string[]> {
    const rows: { article_id: string }[] = await this.tx.query(`SELECT DISTINCT article_id FROM comments WHERE author_id = $1`, [authorId]);
    return rows.map((row) => row.article_id);
  }

  /** Erasure: the reader's reports still count for the comments they flagged, but no longer say who wrote what. */
  async redactReportsBy(reporterId: string): Promise<void> {
    await this.tx.query(`UPDATE comment_reports SET note = NULL, reporter_id = NULL WHERE reporter_id = $1`, [reporterId]);
  }

  /** Leaves an erased reader's comments as authorless, bodiless tombstones; earlier bodies go too. */
  async eraseAuthoredContent(authorId: string): Promise<void> {
    await this.tx.query(
      `UPDATE comment_versions SET body = NULL WHERE comment_id IN (SELECT id FROM comments WHERE author_id = $1)`,
      [authorId],
    );
    await this.tx.query(
      `UPDATE comments SET author_id = NULL, body = NULL,
              status = CASE WHEN status IN ('visible', 'pending') THEN 'deleted' ELSE status END,
              deleted_at = CASE WHEN status IN ('visible', 'pending') THEN now() ELSE deleted_at END
        WHERE author_id = $1`,
      [authorId],
    );
  }
}
