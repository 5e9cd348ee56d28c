import { createIsolatedTestApp } from '../support/isolated-test-app';
import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { FAN_OUT_BATCH_SIZE, FAN_OUT_JOB, PURGE_JOB } from '../../src/notifications/notification-producer';
import { createArticle, TestArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { countNotifications, postCommentAs } from '../factories/comments-direct.factory';
import { follow, ignore, seedFollowers } from '../factories/follows.factory';
import { inboxOf, moderate, runJobs } from '../factories/notifications.factory';
import { registerReader, registerStaff } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { TestApp } from '../support/test-app';

describe('notifications (e2e)', () => {
  let t: TestApp;
  let article: TestArticle;

  beforeAll(async () => {
    t = await createIsolatedTestApp(); // pending comments come from a site-wide banned word
    article = await createArticle(t.http);
  });
  afterAll(() => t.close());

  const unreadCount = async (reader: { auth: { Authorization: string } }) =>
    (await t.http.get('/api/v1/me').set(reader.auth).expect(200)).body.unreadNotifications;

  describe('reply', () => {
    it('tells the parent\'s author who answered, with the comment, and counts it on /me', async () => {
      const [author, replier] = [await registerReader(t.http), await registerReader(t.http)];
      const parent = await postComment(t.http, author, article.id);
      const reply = await postComment(t.http, replier, article.id, { parentId: parent.id, body: 'I disagree, politely.' });
      const [item, ...rest] = await inboxOf(t, author);
      expect(rest).toEqual([]);
      expect(item).toEqual({
        id: expect.any(String),
        type: 'reply',
        createdAt: expect.stringMatching(/Z$/),
        readAt: null,
        actor: expect.objectContaining({ id: replier.id, displayName: replier.displayName }),
        comment: {
          id: reply.id,
          articleId: article.id,
          parentId: parent.id,
          rootId: parent.id,
          depth: 1,
          body: 'I disagree, politely.',
          status: 'visible',
          author: { id: replier.id, displayName: replier.displayName, role: 'reader', isSupporter: false },
          inReplyTo: { commentId: parent.id, authorDisplayName: author.displayName },
          createdAt: expect.stringMatching(/Z$/),
          editedAt: null,
          replyCount: 0,
          reactionCount: 0,
          viewerReacted: false,
          featured: false,
          excerpt: 'I disagree, politely.',
        },
      });
      expect(await unreadCount(author)).toBe(1);
    });

    it('sends no notification for replying to yourself', async () => {
      const author = await registerReader(t.http);
      const parent = await postComment(t.http, author, article.id);
      await postComment(t.http, author, article.id, { parentId: parent.id });
      await runJobs(t);
      expect(await inboxOf(t, author)).toEqual([]);
    });

    it('sends none from an ignored reader', async () => {
      const [author, pest] = [await registerReader(t.http), await registerReader(t.http)];
      await ignore(t.http, author, pest);
      const parent = await postComment(t.http, author, article.id);
      await postComment(t.http, pest, article.id, { parentId: parent.id });
      await runJobs(t);
      expect(await inboxOf(t, author)).toEqual([]);
      expect(await unreadCount(author)).toBe(0);
    });

    it('hides notifications an ignored reader caused before being ignored', async () => {
      const [author, pest] = [await registerReader(t.http), await registerReader(t.http)];
      const parent = await postComment(t.http, author, article.id);
      await postComment(t.http, pest, article.id, { parentId: parent.id });
      expect(await unreadCount(author)).toBe(1);
      await ignore(t.http, author, pest);
      expect(await inboxOf(t, author)).toEqual([]);
      expect(await unreadCount(author)).toBe(0);
    });
  });

  describe('follow', () => {
    it('tells a reader who followed them, once while unread', async () => {
      const [writer, fan] = [await registerReader(t.http), await registerReader(t.http)];
      await follow(t.http, fan, writer);
      await t.http.delete(`/api/v1/users/${writer.id}/follow`).set(fan.auth).expect(204);
      await follow(t.http, fan, writer);
      const items = await inboxOf(t, writer);
      expect(items).toEqual([expect.objectContaining({ type: 'follow', actor: expect.objectContaining({ id: fan.id }), comment: null })]);
    });

    it('sends none when the followed reader ignores the follower', async () => {
      const [writer, fan] = [await registerReader(t.http), await registerReader(t.http)];
      await ignore(t.http, writer, fan);
      await follow(t.http, fan, writer);
      expect(await inboxOf(t, writer)).toEqual([]);
    });
  });

  describe('followed_comment', () => {
    it('is delivered by a background job: posting only enqueues it', async () => {
      const [writer, fan] = [await registerReader(t.http), await registerReader(t.http)];
      await follow(t.http, fan, writer);
      const comment = await postComment(t.http, writer, article.id);
      expect(await countNotifications(t.db, { recipientId: fan.id, type: 'followed_comment' })).toBe(0);
      const queued = await t.db.query(`SELECT count(*)::int AS count FROM pgboss.job WHERE name = $1 AND data->>'commentId' = $2`, [
        FAN_OUT_JOB,
        comment.id,
      ]);
      expect(queued[0].count).toBe(1);
      await runJobs(t);
      expect(await inboxOf(t, fan)).toEqual([
        expect.objectContaining({
          type: 'followed_comment',
          actor: expect.objectContaining({ id: writer.id }),
          comment: expect.objectContaining({ id: comment.id, excerpt: comment.body }),
        }),
      ]);
    });

    it('delivers exactly one notification per follower when the job runs twice for the same comment', async () => {
      const writer = await registerReader(t.http);
      const followerCount = FAN_OUT_BATCH_SIZE * 2 + 37;
      await seedFollowers(t.db, writer.id, followerCount);
      const comment = await postComment(t.http, writer, article.id);
      await runJobs(t);
      await t.app.get(JobQueue).send(FAN_OUT_JOB, { commentId: comment.id, authorId: writer.id, excludedId: null });
      expect(await runJobs(t)).toBeGreaterThanOrEqual(1);
      const [row] = await t.db.query(
        `SELECT count(*)::int AS total, count(DISTINCT recipient_id)::int AS recipients FROM notifications
         WHERE comment_id = $1 AND type = 'followed_comment'`,
        [comment.id],
      );
      expect(row).toEqual({ total: followerCount, recipients: followerCount });
    });

    it('finishes a delivery a crashed worker left half done, without doubling', async () => {
      const writer = await registerReader(t.http);
      const followers = await seedFollowers(t.db, writer.id, 50);
      const comment = await postComment(t.http, writer, article.id);
      await t.db.query(
        `INSERT INTO notifications (recipient_id, type, actor_id, comment_id) SELECT unnest($1::uuid[]), 'followed_comment', $2, $3`,
        [followers.slice(0, 20), writer.id, comment.id],
      );
      await runJobs(t);
      const [row] = await t.db.query(
        `SELECT count(*)::int AS total, count(DISTINCT recipient_id)::int AS recipients FROM notifications WHERE comment_id = $1`,
        [comment.id],
      );
      expect(row).toEqual({ total: 50, recipients: 50 });
    });

    it('skips followers who ignore the author, and tells a followed parent author once (as a reply)', async () => {
      const [writer, fan, grumpy, parentAuthor] = [
        await registerReader(t.http), await registerReader(t.http), await registerReader(t.http), await registerReader(t.http),
      ];
      for (const reader of [fan, grumpy, parentAuthor]) await follow(t.http, reader, writer);
      await ignore(t.http, grumpy, writer);
      const parent = await postComment(t.http, parentAuthor, article.id);
      const reply = await postComment(t.http, writer, article.id, { parentId: parent.id });
      await runJobs(t);
      expect((await inboxOf(t, fan)).map((item) => item.type)).toEqual(['followed_comment']);
      expect(await inboxOf(t, grumpy)).toEqual([]);
      const parentInbox = await inboxOf(t, parentAuthor);
      expect(parentInbox.map((item) => [item.type, item.comment?.id])).toEqual([['reply', reply.id]]);
    });

    it('is not delivered for a comment hidden before the job ran', async () => {
      const [writer, fan, moderator] = [await registerReader(t.http), await registerReader(t.http), await registerStaff(t.http, t.db, 'moderator')];
      await follow(t.http, fan, writer);
      const comment = await postComment(t.http, writer, article.id);
      await moderate(t, comment.id, 'hidden', moderator.id);
      await runJobs(t);
      expect(await inboxOf(t, fan)).toEqual([]);
    });
  });

  describe('moderation', () => {
    it('tells the author their comment was hidden, naming no moderator', async () => {
      const [author, moderator] = [await registerReader(t.http), await registerStaff(t.http, t.db, 'moderator')];
      const comment = await postComment(t.http, author, article.id, { body: 'Borderline remark' });
      await moderate(t, comment.id, 'hidden', moderator.id);
      expect(await inboxOf(t, author)).toEqual([
        expect.objectContaining({
          type: 'moderation',
          actor: null,
          comment: expect.objectContaining({ id: comment.id, status: 'hidden', excerpt: 'Borderline remark' }),
        }),
      ]);
    });

    it('announces a pending reply only once approved: to its author, the parent author and followers', async () => {
      const [author, parentAuthor, fan, moderator] = [
        await registerReader(t.http), await registerReader(t.http), await registerReader(t.http), await registerStaff(t.http, t.db, 'moderator'),
      ];
      await follow(t.http, fan, author);
      const parent = await postComment(t.http, parentAuthor, article.id);
      const reply = await postCommentAs(t, {
        articleId: article.id,
        author,
        parent,
        status: 'pending',
      });
      await runJobs(t);
      expect(await inboxOf(t, parentAuthor)).toEqual([]);
      expect(await inboxOf(t, fan)).toEqual([]);

      await moderate(t, reply.id, 'approved', moderator.id);
      await runJobs(t);
      expect((await inboxOf(t, author)).map((item) => item.type)).toEqual(['moderation', 'follow']);
      expect((await inboxOf(t, parentAuthor)).map((item) => [item.type, item.comment?.id])).toEqual([['reply', reply.id]]);
      expect((await inboxOf(t, fan)).map((item) => [item.type, item.comment?.id])).toEqual([['followed_comment', reply.id]]);
    });
  });

  describe('GET /api/v1/me/notifications', () => {
    it('pages newest first and filters unread ones with ?unread=true', async () => {
      const writer = await registerReader(t.http);
      const fans = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      for (const fan of fans) await follow(t.http, fan, writer);
      const first = await t.http.get('/api/v1/me/notifications?limit=2').set(writer.auth).expect(200);
      expect(first.body.items.map((item: { actor: { id: string } }) => item.actor.id)).toEqual([fans[2].id, fans[1].id]);
      const second = await t.http.get(`/api/v1/me/notifications?limit=2&cursor=${first.body.nextCursor}`).set(writer.auth).expect(200);
      expect(second.body.items.map((item: { actor: { id: string } }) => item.actor.id)).toEqual([fans[0].id]);
      expect(second.body.nextCursor).toBeNull();

      await t.http.post('/api/v1/me/notifications/read').set(writer.auth).send({ ids: [first.body.items[0].id] }).expect(204);
      const unread = await inboxOf(t, writer, '?unread=true');
      expect(unread.map((item) => item.actor?.id)).toEqual([fans[1].id, fans[0].id]);
      const all = await inboxOf(t, writer);
      expect(all[0].readAt).toEqual(expect.stringMatching(/Z$/));
    });

    it('refuses a malformed cursor or unread flag, and needs a token', async () => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.get('/api/v1/me/notifications?cursor=bogus').set(reader.auth), 400, 'INVALID_CURSOR');
      expectProblem(await t.http.get('/api/v1/me/notifications?unread=maybe').set(reader.auth), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http.get('/api/v1/me/notifications'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('POST /api/v1/me/notifications/read', () => {
    it('marks everything read with {all: true}', async () => {
      const writer = await registerReader(t.http);
      await follow(t.http, await registerReader(t.http), writer);
      await follow(t.http, await registerReader(t.http), writer);
      expect(await unreadCount(writer)).toBe(2);
      await t.http.post('/api/v1/me/notifications/read').set(writer.auth).send({ all: true }).expect(204);
      expect(await unreadCount(writer)).toBe(0);
      expect(await inboxOf(t, writer, '?unread=true')).toEqual([]);
    });

    it('marks only one\'s own notifications', async () => {
      const [a, b] = [await registerReader(t.http), await registerReader(t.http)];
      await follow(t.http, b, a);
      await follow(t.http, a, b);
      const [notificationOfA] = await inboxOf(t, a);
      await t.http.post('/api/v1/me/notifications/read').set(b.auth).send({ ids: [notificationOfA.id] }).expect(204);
      expect(await unreadCount(a)).toBe(1);
      expect(await unreadCount(b)).toBe(1);
    });

    it.each([
      [{}],
      [{ all: false }],
      [{ ids: [] }],
      [{ ids: ['not-a-uuid'] }],
      [{ ids: ['6f1f3c3e-8d0e-4a35-9a56-6b7f0f3a1a15'], all: true }],
      [{ all: true, extra: 1 }],
    ])('refuses %p (400 VALIDATION_FAILED)', async (body) => {
      const reader = await registerReader(t.http);
      expectProblem(await t.http.post('/api/v1/me/notifications/read').set(reader.auth).send(body), 400, 'VALIDATION_FAILED');
    });

    it('needs a token (401)', async () => {
      expectProblem(await t.http.post('/api/v1/me/notifications/read').send({ all: true }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('retention and erasure', () => {
    it('purges notifications older than 90 days with the scheduled job', async () => {
      const [writer, fan] = [await registerReader(t.http), await registerReader(t.http)];
      await follow(t.http, fan, writer);
      const [old] = await t.db.query(
        `INSERT INTO notifications (recipient_id, type, actor_id, created_at) VALUES ($1, 'follow', $2, now() - interval '91 days') RETURNING id`,
        [writer.id, fan.id],
      );
      const [schedule] = await t.db.query(`SELECT cron FROM pgboss.schedule WHERE name = $1`, [PURGE_JOB]);
      expect(schedule.cron).toEqual(expect.any(String));
      await t.app.get(JobQueue).send(PURGE_JOB, {});
      await runJobs(t);
      const remaining = await inboxOf(t, writer);
      expect(remaining).toHaveLength(1);
      expect(remaining[0].id).not.toBe(old.id);
    });

    it('deletes the erased reader\'s inbox', async () => {
      const [gone, fan] = [await registerReader(t.http), await registerReader(t.http)];
      await follow(t.http, fan, gone);
      await t.http.delete('/api/v1/me').set(gone.auth).send({ password: gone.password }).expect(204);
      expect(await countNotifications(t.db, { recipientId: gone.id })).toBe(0);
    });
  });

  describe('background worker', () => {
    it('delivers the fan-out without anyone draining the queue, and stops when the app closes', async () => {
      // A database of its own: other test files drain the shared queue and could take this job.
      const worker = await createIsolatedTestApp();
      const article = await createArticle(worker.http);
      try {
        const [writer, fan] = [await registerReader(worker.http), await registerReader(worker.http)];
        await follow(worker.http, fan, writer);
        await worker.app.get(JobQueue).startWorkers(0.5);
        const comment = await postComment(worker.http, writer, article.id);
        const deadline = Date.now() + 15_000;
        while ((await countNotifications(worker.db, { recipientId: fan.id, commentId: comment.id })) === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(await countNotifications(worker.db, { recipientId: fan.id, commentId: comment.id })).toBe(1);
      } finally {
        await worker.close();
      }
    });
  });
});
