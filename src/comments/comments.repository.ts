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
}

/** One row whatever happened: the checks, and the comment's columns (null when it was not inserted). */
interface PostAttemptRow extends Omit<HydratedRow, 'id' | 'viewerReacted'> {
  id: string | null;
  counterMoves: string;
  duplicate: boolean;
  parentFound: boolean;
  parentArticleId: string;
  parentAuthorId: string | null;
  parentStatus: CommentStatus;
}

const KEYED_COLUMNS = `c.id,
  to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdKey",
  c.reaction_count AS "reactionCount", c.reply_count AS "replyCount"`;


// Any fixed number, distinct from other advisory lock namespaces in the app.
const POSTING_LOCK_NAMESPACE = 4_242_003;

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

  /**
   * First statement of a post, taking the locks in the order every write uses
   * (see UsersService.eraseAccount): the author's account lock with the check that
   * they are not erased (the users module's `margin_lock_active_account`), then the
   * posting lock that serializes the reader's posts (so the duplicate check that
   * follows holds under concurrency), then the article row the way every comment
   * status change does (article first, through the articles module's
   * `articles_lock_for_comment_writes`). Also selects the moderation module's
   * `moderation_posting_context()` (the initial-status rule's reading, see
   * CommentPolicy). Null for an unknown article.
   */
  async lockArticleForPosting(
    authorId: string,
    articleId: string,
  ): Promise<{ authorActive: boolean; commentsOpen: boolean; policyContext: unknown } | null> {
    // OFFSET 0 keeps the account subquery from being flattened, so its lock is taken before the posting lock;
    // the article lock reads its id from the locks row (LATERAL), so it can only come after both.
    const rows: { authorActive: boolean; commentsOpen: boolean; policyContext: unknown }[] = await this.tx.query(
      `SELECT locks.author_active AS "authorActive", a.comments_open AS "commentsOpen", moderation_posting_context() AS "policyContext"
         FROM (SELECT account.author_active, pg_advisory_xact_lock($1, hashtext($2::text)), $3::varchar AS article_id
                 FROM (SELECT margin_lock_active_account($2::text::uuid) AS author_active OFFSET 0) AS account
               OFFSET 0) AS locks
        CROSS JOIN LATERAL articles_lock_for_comment_writes(ARRAY[locks.article_id]) a`,
      [POSTING_LOCK_NAMESPACE, authorId, articleId],
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
   * Second statement of a post, run under the locks `lockArticleForPosting` took
   * (so it sees every earlier post of the reader): reads the parent and looks for
   * the same text in the last `duplicateWindowMinutes`; when the parent is a visible
   * comment of the article (or there is none) and there is no duplicate, inserts the
   * comment and, when it starts visible, moves the counters `CommentCountersService`
   * moves for a comment becoming visible. Returns the checks and the hydrated comment
   * (null when not inserted), so the caller can name the rule that refused it.
   */
  async insertUnlessRefused(comment: NewComment, duplicateWindowMinutes: number): Promise<PostAttempt> {
    const rows: PostAttemptRow[] = await this.tx.query(
      `WITH RECURSIVE parent AS (
         SELECT p.id, p.article_id, p.author_id, p.status, p.root_id, p.depth, pu.display_name
           FROM comments p LEFT JOIN user_profiles pu ON pu.id = p.author_id
          WHERE p.id = $3::uuid
       ), duplicate AS (
         SELECT 1 FROM comments
          WHERE author_id = $2::uuid AND created_at > now() - make_interval(mins => $7::int)
            AND status <> 'deleted' AND btrim(body) = $5::text
          LIMIT 1
       ), inserted AS (
         INSERT INTO comments (article_id, author_id, parent_id, root_id, depth, body, status, open_report_count)
         SELECT $1::varchar, $2::uuid, parent.id, COALESCE(parent.root_id, parent.id), COALESCE(parent.depth + 1, 0), $4::text, $6::varchar,
                CASE WHEN $8::varchar IS NULL THEN 0 ELSE 1 END
           FROM (VALUES (1)) AS one LEFT JOIN parent ON true
          WHERE NOT EXISTS (SELECT 1 FROM duplicate)
            AND ($3::uuid IS NULL OR (parent.article_id = $1::varchar AND parent.status = 'visible'))
         RETURNING *
       ), system_report AS (
         -- A data-modifying CTE runs whether or not the final SELECT reads it.
         INSERT INTO comment_reports (comment_id, reporter_id, reason, note)
         SELECT id, NULL, $8::varchar, $9::varchar FROM inserted WHERE $8::varchar IS NOT NULL
       ), counted AS (
         SELECT article_id, author_id, parent_id FROM inserted WHERE status = 'visible'
       ), counter_moves AS (
         -- The owners' counters (articles, users), through their functions; counted by the final SELECT so they run.
         SELECT articles_bump_comment_count(article_id, 1), users_bump_comment_count(author_id, 1) FROM counted
       ), ancestors(id, parent_id) AS (
         SELECT id, parent_id FROM comments WHERE id IN (SELECT parent_id FROM counted)
         UNION ALL
         SELECT c.id, c.parent_id FROM comments c JOIN ancestors a ON c.id = a.parent_id
       ), ancestor_reply_counts AS (
         UPDATE comments SET reply_count = reply_count + 1 WHERE id IN (SELECT id FROM ancestors)
       )
       SELECT EXISTS (SELECT 1 FROM duplicate) AS "duplicate", (parent.id IS NOT NULL) AS "parentFound",
              parent.article_id AS "parentArticleId", parent.author_id AS "parentAuthorId", parent.status AS "parentStatus",
              i.id, i.article_id AS "articleId", i.author_id AS "authorId", i.parent_id AS "parentId",
              i.root_id AS "rootId", i.depth, i.body, i.status, i.reply_count AS "replyCount",
              i.reaction_count AS "reactionCount", i.featured, i.created_at AS "createdAt", i.edited_at AS "editedAt",
              u.display_name AS "authorDisplayName", u.role AS "authorRole", (u.erased_at IS NOT NULL) AS "authorErased",
              parent.display_name AS "parentAuthorDisplayName",
              (SELECT count(*) FROM counter_moves) AS "counterMoves"
         FROM (VALUES (1)) AS one
         LEFT JOIN parent ON true
         LEFT JOIN inserted i ON true
         LEFT JOIN user_profiles u ON u.id = i.author_id`,
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
      ],
    );
    const { duplicate, parentFound, parentArticleId, parentAuthorId, parentStatus, id, counterMoves: _moves, ...inserted } = rows[0];
    return {
      duplicate,
      parent: parentFound ? { articleId: parentArticleId, authorId: parentAuthorId, status: parentStatus } : null,
      comment: id ? { ...inserted, id, viewerReacted: false } : null,
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
