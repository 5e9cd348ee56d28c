import { DataSource } from 'typeorm';
import { DomainEvents } from '../../src/common/events/domain-events';
import { TestApp } from '../support/test-app';

export interface DirectComment {
  id: string;
  articleId: string;
  authorId: string;
}

/**
 * Writes a comment row the way the comments module does (row + comment.created
 * in one transaction), for tests that need comments at a given time or status.
 */
export async function insertComment(
  t: TestApp,
  input: { articleId: string; authorId: string; parent?: DirectComment & { rootId?: string | null }; status?: 'visible' | 'pending' | 'hidden'; createdAt?: Date; body?: string },
): Promise<DirectComment> {
  const events = t.app.get(DomainEvents);
  const status = input.status ?? 'visible';
  return t.transactions.run(async () => {
    const manager = t.transactions.tx;
    const rootId = input.parent ? (input.parent.rootId ?? input.parent.id) : null;
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO comments (article_id, author_id, parent_id, root_id, depth, body, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now())) RETURNING id`,
      [input.articleId, input.authorId, input.parent?.id ?? null, rootId, input.parent ? 1 : 0, input.body ?? 'A comment', status, input.createdAt ?? null],
    );
    if (status !== 'hidden') {
      await events.publish('comment.created', {
        commentId: row.id,
        articleId: input.articleId,
        authorId: input.authorId,
        parentId: input.parent?.id ?? null,
        parentAuthorId: input.parent?.authorId ?? null,
        rootId,
        status,
      });
    }
    return { id: row.id, articleId: input.articleId, authorId: input.authorId };
  });
}

export async function countNotifications(db: DataSource, where: { recipientId: string; type?: string; commentId?: string }): Promise<number> {
  const [row]: { count: number }[] = await db.query(
    `SELECT count(*)::int AS count FROM notifications
     WHERE recipient_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::uuid IS NULL OR comment_id = $3)`,
    [where.recipientId, where.type ?? null, where.commentId ?? null],
  );
  return row.count;
}
