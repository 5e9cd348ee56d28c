import { DataSource } from 'typeorm';
import { TestApp } from '../support/test-app';
import { postComment } from './comments.factory';
import { registerStaff, RegisteredReader, uniqueSuffix } from './users.factory';

export interface DirectComment {
  id: string;
  articleId: string;
  authorId: string;
}

/** A banned word: the real moderation rule holds a comment that uses it as pending. */
const HELD_WORD = 'heldforreviewbytestword';
const moderators = new WeakMap<TestApp, Promise<RegisteredReader>>();
const heldWordInstalled = new WeakMap<TestApp, Promise<void>>();

/**
 * Posts a comment the way a reader does (HTTP, so counters, moderation and
 * comment.created are the real ones), for tests that need comments at a given
 * time or status: `pending` through a banned word set by an admin (the app must
 * run on a database of its own, since the word is site-wide), `hidden` by a
 * moderator's hide, and `createdAt` by moving the row's time afterwards.
 */
export async function postCommentAs(
  t: TestApp,
  input: { articleId: string; author: RegisteredReader; parent?: { id: string }; status?: 'visible' | 'pending' | 'hidden'; createdAt?: Date; body?: string },
): Promise<DirectComment> {
  const status = input.status ?? 'visible';
  if (status === 'pending') await installHeldWord(t);
  const text = input.body ?? `A comment ${uniqueSuffix()}`;
  const body = status === 'pending' ? `${text} ${HELD_WORD}` : text;
  const posted = await postComment(t.http, input.author, input.articleId, { body, ...(input.parent ? { parentId: input.parent.id } : {}) });
  if (posted.status !== (status === 'pending' ? 'pending' : 'visible')) throw new Error(`comment posted as ${posted.status}, not ${status}`);
  if (status === 'hidden') {
    const moderator = await moderatorOf(t);
    await t.http.post(`/api/v1/admin/comments/${posted.id}/hide`).set(moderator.auth).send({ reason: 'abuse' }).expect(200);
  }
  if (input.createdAt) await t.db.query('UPDATE comments SET created_at = $2 WHERE id = $1', [posted.id, input.createdAt]);
  return { id: posted.id, articleId: input.articleId, authorId: input.author.id };
}

function moderatorOf(t: TestApp): Promise<RegisteredReader> {
  if (!moderators.has(t)) moderators.set(t, registerStaff(t.http, t.db, 'moderator'));
  return moderators.get(t) as Promise<RegisteredReader>;
}

function installHeldWord(t: TestApp): Promise<void> {
  if (!heldWordInstalled.has(t)) {
    heldWordInstalled.set(t, (async () => {
      const [{ name }]: { name: string }[] = await t.db.query('SELECT current_database() AS name');
      if (!name.startsWith('margin_iso_')) throw new Error('pending comments need an app on a database of its own (createIsolatedTestApp)');
      const admin = await registerStaff(t.http, t.db, 'admin');
      await t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ bannedWords: [HELD_WORD], premoderateNewReaders: false }).expect(200);
    })());
  }
  return heldWordInstalled.get(t) as Promise<void>;
}

export async function countNotifications(db: DataSource, where: { recipientId: string; type?: string; commentId?: string }): Promise<number> {
  const [row]: { count: number }[] = await db.query(
    `SELECT count(*)::int AS count FROM notifications
     WHERE recipient_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::uuid IS NULL OR comment_id = $3)`,
    [where.recipientId, where.type ?? null, where.commentId ?? null],
  );
  return row.count;
}
