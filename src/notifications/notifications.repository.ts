import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isoMicroseconds } from '../common/pagination/timestamp-cursor';
import { NotificationType } from './notification.entity';

export interface NotificationRow {
  id: string;
  type: NotificationType;
  createdAt: string;
  readAt: Date | null;
  actorId: string | null;
  /** The comment concerned (null for follow); the comments module turns it into the recipient's `comment` view. */
  commentId: string | null;
}

export interface InboxQuery {
  unreadOnly: boolean;
  limit: number;
  before?: { at: string; id: string };
}

/** One post to announce to its author's followers. */
export interface FanOutPost {
  commentId: string;
  authorId: string;
  /** The reader already told by a reply notification. */
  excludedId: string | null;
}

export interface FanOutCursor {
  at: string;
  followerId: string;
}

/** Recipient does not ignore the actor (the follows module's `ignored_authors`): an ignored reader causes no notification. */
const ACTOR_NOT_IGNORED = (recipient: string, actor: string) =>
  `NOT EXISTS (SELECT 1 FROM ignored_authors(${recipient}) i WHERE i.author_id = ${actor})`;

const EXCERPT_LENGTH = 140;

/** A row just written, as `notifications.created` announces it. */
export interface CreatedNotification {
  id: string;
  recipientId: string;
  type: string;
}
const CREATED_COLUMNS = `id, recipient_id AS "recipientId", type`;
/**
 * Keeps the fan-out's inserted rows (`alias`, with CREATED_COLUMNS) whose recipient takes followed_comment e-mail
 * (the mail module's `activity_mail_choices`: verified, setting on): all the e-mail job needs to hear of. Most
 * followers are not verified or keep that e-mail off, so a famous author's post no longer hands on every follower's id.
 */
const WANTS_FOLLOWED_COMMENT_MAIL = (alias: string) =>
  `JOIN activity_mail_choices mail ON mail.user_id = ${alias}."recipientId" AND mail.followed_comment`;

/** A notification as its e-mail needs it. */
export interface MailableNotification {
  id: string;
  recipientId: string;
  type: NotificationType;
  actorId: string | null;
  commentId: string | null;
  articleId: string | null;
  status: string | null;
  excerpt: string | null;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }


  async insertReply(recipientId: string, actorId: string, commentId: string): Promise<CreatedNotification[]> {
    return this.tx.query(
      `WITH created AS (
         INSERT INTO notifications (recipient_id, type, actor_id, comment_id)
         SELECT $1, 'reply', $2, $3
         WHERE $1::uuid <> $2::uuid AND ${ACTOR_NOT_IGNORED('$1', '$2')}
         ON CONFLICT DO NOTHING
         RETURNING ${CREATED_COLUMNS})
       SELECT * FROM created`,
      [recipientId, actorId, commentId],
    );
  }

  /** A follow notification, unless an unread one from the same follower is already waiting. */
  async insertFollow(recipientId: string, actorId: string): Promise<CreatedNotification[]> {
    return this.tx.query(
      `WITH created AS (
         INSERT INTO notifications (recipient_id, type, actor_id)
         SELECT $1, 'follow', $2
         WHERE ${ACTOR_NOT_IGNORED('$1', '$2')}
           AND NOT EXISTS (SELECT 1 FROM notifications n
                           WHERE n.recipient_id = $1 AND n.read_at IS NULL AND n.type = 'follow' AND n.actor_id = $2)
         RETURNING ${CREATED_COLUMNS})
       SELECT * FROM created`,
      [recipientId, actorId],
    );
  }

  async insertModeration(recipientId: string, commentId: string): Promise<CreatedNotification[]> {
    return this.tx.query(
      `WITH created AS (
         INSERT INTO notifications (recipient_id, type, comment_id) VALUES ($1, 'moderation', $2)
         RETURNING ${CREATED_COLUMNS})
       SELECT * FROM created`,
      [recipientId, commentId],
    );
  }

  /** The author hears that their comment was featured, once per comment however often it is featured again. */
  async insertFeatured(recipientId: string, commentId: string): Promise<CreatedNotification[]> {
    return this.tx.query(
      `WITH created AS (
         INSERT INTO notifications (recipient_id, type, comment_id)
         SELECT $1, 'featured', $2
         WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_id = $1 AND n.type = 'featured' AND n.comment_id = $2)
         RETURNING ${CREATED_COLUMNS})
       SELECT * FROM created`,
      [recipientId, commentId],
    );
  }

  /**
   * What an e-mail about each notification shows, read as its recipient would see it in the inbox: the comment
   * through `comment_notices(recipient)` (body only when the recipient may read it), and nothing whose actor the
   * recipient now ignores.
   */
  async findForMail(ids: string[]): Promise<MailableNotification[]> {
    if (ids.length === 0) return [];
    return this.tx.query(
      `SELECT n.id, n.recipient_id AS "recipientId", n.type, n.actor_id AS "actorId", n.comment_id AS "commentId",
              c.article_id AS "articleId", c.status, left(c.body, ${EXCERPT_LENGTH}) AS excerpt
         FROM notifications n
         LEFT JOIN LATERAL (SELECT * FROM comment_notices(n.recipient_id) x WHERE x.id = n.comment_id) c ON true
        WHERE n.id = ANY($1::uuid[])
          AND (n.actor_id IS NULL OR ${ACTOR_NOT_IGNORED('n.recipient_id', 'n.actor_id')})`,
      [ids],
    );
  }

  /**
   * The followed_comment fan-out of many posts in one statement: every
   * follower of each post's author (minus `excludedId` and those who ignore the
   * author) is notified, for posts still visible and still by that author
   * (not erased). Authors with more than `chunkSize` followers are left out
   * and returned, for `insertFollowedCommentBatch` to deliver in keyset chunks;
   * counting stops at `chunkSize + 1`, so a famous author costs no more to size
   * than a small one. ON CONFLICT DO NOTHING on notifications_comment_once_key
   * makes a rerun (or the same post twice in one batch) a no-op. `mailed` is the rows written whose recipient takes
   * followed_comment e-mail (WANTS_FOLLOWED_COMMENT_MAIL), chosen in the same statement; the rest stay in PostgreSQL.
   */
  async insertFollowedComments(posts: FanOutPost[], chunkSize: number): Promise<{ large: FanOutPost[]; mailed: CreatedNotification[] }> {
    if (posts.length === 0) return { large: [], mailed: [] };
    const rows: ({ comment_id: string; author_id: string; excluded_id: string | null } & CreatedNotification)[] = await this.tx.query(
      `WITH posts AS (
         SELECT DISTINCT p.comment_id, p.author_id, p.excluded_id
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS p(comment_id, author_id, excluded_id)
         JOIN visible_comments c ON c.id = p.comment_id AND c.author_id = p.author_id
       ), sized AS (
         SELECT p.*, (SELECT count(*) FROM (SELECT 1 FROM follower_links f WHERE f.followee_id = p.author_id LIMIT $4 + 1) capped) AS followers
         FROM posts p
       ), inserted AS (
         INSERT INTO notifications (recipient_id, type, actor_id, comment_id)
         SELECT f.follower_id, 'followed_comment', s.author_id, s.comment_id
         FROM sized s JOIN follower_links f ON f.followee_id = s.author_id
         WHERE s.followers <= $4
           AND f.follower_id IS DISTINCT FROM s.excluded_id AND ${ACTOR_NOT_IGNORED('f.follower_id', 's.author_id')}
         ON CONFLICT DO NOTHING
         RETURNING ${CREATED_COLUMNS}
       )
       SELECT comment_id, author_id, excluded_id, NULL::uuid AS id, NULL::uuid AS "recipientId", NULL AS type
         FROM sized WHERE followers > $4
       UNION ALL
       SELECT NULL, NULL, NULL, i.id, i."recipientId", i.type FROM inserted i ${WANTS_FOLLOWED_COMMENT_MAIL('i')}`,
      [posts.map((post) => post.commentId), posts.map((post) => post.authorId), posts.map((post) => post.excludedId), chunkSize],
    );
    return {
      large: rows.filter((row) => row.id === null).map((row) => ({ commentId: row.comment_id, authorId: row.author_id, excludedId: row.excluded_id })),
      mailed: rows.filter((row) => row.id !== null).map((row) => ({ id: row.id, recipientId: row.recipientId, type: row.type })),
    };
  }

  /**
   * One batch of the followed_comment fan-out: the next `limit` followers of
   * the author after `after` (in follows_followee_idx order), minus those who
   * ignore the author and `excludedId` (the reader already told by a reply
   * notification). Returns where the batch ended, or null after the last one,
   * and the rows written whose recipient takes followed_comment e-mail (`mailed`).
   * ON CONFLICT DO NOTHING on notifications_comment_once_key makes a rerun a no-op.
   */
  async insertFollowedCommentBatch(
    authorId: string,
    commentId: string,
    excludedId: string | null,
    after: FanOutCursor | null,
    limit: number,
  ): Promise<{ cursor: FanOutCursor | null; mailed: CreatedNotification[] }> {
    const rows: { at: string | null; follower_id: string | null; id: string | null; recipientId: string; type: string }[] = await this.tx.query(
      `WITH batch AS (
         SELECT f.follower_id, f.created_at FROM follower_links f
         WHERE f.followee_id = $1
           AND ($4::timestamptz IS NULL OR (f.created_at, f.follower_id) > ($4::timestamptz, $5::uuid))
         ORDER BY f.created_at, f.follower_id
         LIMIT $6
       ), inserted AS (
         INSERT INTO notifications (recipient_id, type, actor_id, comment_id)
         SELECT b.follower_id, 'followed_comment', $1, $2 FROM batch b
         WHERE b.follower_id IS DISTINCT FROM $3::uuid AND ${ACTOR_NOT_IGNORED('b.follower_id', '$1')}
         ON CONFLICT DO NOTHING
         RETURNING ${CREATED_COLUMNS}
       ), last AS (
         SELECT ${isoMicroseconds('created_at')} AS at, follower_id FROM batch
         ORDER BY created_at DESC, follower_id DESC LIMIT 1
       )
       SELECT at, follower_id, NULL::uuid AS id, NULL::uuid AS "recipientId", NULL AS type FROM last
       UNION ALL
       SELECT NULL, NULL, i.id, i."recipientId", i.type FROM inserted i ${WANTS_FOLLOWED_COMMENT_MAIL('i')}`,
      [authorId, commentId, excludedId, after?.at ?? null, after?.followerId ?? null, limit],
    );
    const last = rows.find((row) => row.id === null);
    const mailed = rows.filter((row) => row.id !== null).map((row) => ({ id: row.id as string, recipientId: row.recipientId, type: row.type }));
    return { cursor: last ? { at: last.at as string, followerId: last.follower_id as string } : null, mailed };
  }

  /** The author of a comment and of the comment it answers, read inside the causing transaction. */
  async findReplyParties(
    commentId: string,
  ): Promise<{ authorId: string | null; parentAuthorId: string | null } | null> {
    const rows: { author_id: string | null; parent_author_id: string | null }[] = await this.tx.query(
      `SELECT c.author_id, c.parent_author_id FROM comment_notices(NULL) c WHERE c.id = $1`,
      [commentId],
    );
    return rows.length === 0 ? null : { authorId: rows[0].author_id, parentAuthorId: rows[0].parent_author_id };
  }

  /** A page of the inbox, newest first (limit + 1 rows). */
  async findInboxPage(recipientId: string, query: InboxQuery): Promise<NotificationRow[]> {
    const params: unknown[] = [recipientId, query.limit + 1];
    const conditions = ['n.recipient_id = $1', `(n.actor_id IS NULL OR ${ACTOR_NOT_IGNORED('$1', 'n.actor_id')})`];
    if (query.unreadOnly) conditions.push('n.read_at IS NULL');
    if (query.before) {
      params.push(query.before.at, query.before.id);
      conditions.push('(n.created_at, n.id) < ($3::timestamptz, $4::uuid)');
    }
    const rows: { id: string; type: NotificationType; created_at: string; read_at: Date | null; actor_id: string | null; comment_id: string | null }[] =
      await this.tx.query(
        `SELECT n.id, n.type, ${isoMicroseconds('n.created_at')} AS created_at, n.read_at, n.actor_id, n.comment_id
           FROM notifications n
          WHERE ${conditions.join(' AND ')}
          ORDER BY n.created_at DESC, n.id DESC
          LIMIT $2`,
        params,
      );
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      createdAt: row.created_at,
      readAt: row.read_at,
      actorId: row.actor_id,
      commentId: row.comment_id,
    }));
  }

  async countUnread(recipientId: string): Promise<number> {
    const rows: { count: number }[] = await this.tx.query(
      `SELECT count(*)::int AS count FROM notifications n
       WHERE n.recipient_id = $1 AND n.read_at IS NULL
         AND (n.actor_id IS NULL OR ${ACTOR_NOT_IGNORED('$1', 'n.actor_id')})`,
      [recipientId],
    );
    return rows[0].count;
  }

  async markRead(recipientId: string, ids: string[]): Promise<void> {
    await this.tx.query(
      `UPDATE notifications SET read_at = now() WHERE recipient_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL`,
      [recipientId, ids],
    );
  }

  async markAllRead(recipientId: string): Promise<void> {
    await this.tx.query(`UPDATE notifications SET read_at = now() WHERE recipient_id = $1 AND read_at IS NULL`, [recipientId]);
  }

  /** The erased reader's inbox; notifications they caused elsewhere show no actor once the account is erased. */
  async deleteInboxOf(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM notifications WHERE recipient_id = $1`, [userId]);
  }

  /** Deletes up to `limit` notifications older than `days` days; returns how many went. */
  async deleteOlderThan(days: number, limit: number): Promise<number> {
    const rows: unknown[] = await this.tx.query(
      `WITH doomed AS (
         SELECT id FROM notifications WHERE created_at < now() - make_interval(days => $1) LIMIT $2
       ), removed AS (
         DELETE FROM notifications n USING doomed WHERE n.id = doomed.id RETURNING n.id
       )
       SELECT id FROM removed`,
      [days, limit],
    );
    return rows.length;
  }
}

/** Characters (code points) of a comment's body in a notification's `excerpt`. */
export const INBOX_EXCERPT_LENGTH = EXCERPT_LENGTH;
