import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';
import { CommentsService } from '../../src/comments/comments.service';
import { LiveBus } from '../../src/live/live-bus';
import { articleChannel } from '../../src/live/live-events';
import { createArticle } from '../factories/articles.factory';
import { changeStatus, postComment } from '../factories/comments.factory';
import { ignore } from '../factories/follows.factory';
import { reportComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { baseUrlOf, SseClient } from '../support/sse-client';
import { createTestApp, TestApp } from '../support/test-app';

interface CreatedData {
  id: string;
  body: string | null;
  status: string;
  author: { id: string } | null;
}
interface UpdatedData {
  id: string;
  status: string;
  body: string | null;
  editedAt: string | null;
  featured: boolean;
}
interface QueueData {
  commentId: string;
  state: string;
}

export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

/** A client address of its own (the app trusts one proxy hop), so the per-client cap of one test never meets another's. */
function clientAddress(): string {
  return `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
}

const MAX_STREAMS_PER_CLIENT = 3;

describe('live threads over Server-Sent Events (e2e)', () => {
  let t: TestApp;
  let base: string;
  const streams: SseClient[] = [];

  async function stream(path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = await SseClient.open(base, path, { 'x-forwarded-for': clientAddress(), ...headers });
    streams.push(client);
    return client;
  }

  async function articleStream(articleId: string, headers: Record<string, string> = {}, ticket?: string): Promise<SseClient> {
    const client = await stream(`/api/v1/articles/${articleId}/live${ticket ? `?ticket=${ticket}` : ''}`, headers);
    expect(client.status).toBe(200);
    return client;
  }

  async function ticketFor(reader: RegisteredReader): Promise<string> {
    const response = await t.http.post('/api/v1/me/live-ticket').set(reader.auth).expect(201);
    expect(response.body).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/) });
    return response.body.ticket as string;
  }

  beforeAll(async () => {
    t = await createTestApp({
      LIVE_HEARTBEAT_SECONDS: '0.2',
      LIVE_MAX_STREAMS_PER_CLIENT: String(MAX_STREAMS_PER_CLIENT),
      LIVE_STREAM_BUFFER_BYTES: '16384',
      TRUST_PROXY: '1',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.app.getHttpServer());
  });
  afterEach(() => {
    for (const client of streams.splice(0)) client.close();
  });
  afterAll(() => t.close());

  describe('the stream itself', () => {
    it('is an uncompressed, unbuffered, uncached event stream with heartbeats, and a 404 for an unknown article', async () => {
      const article = await createArticle(t.http);
      const client = await articleStream(article.id, { 'accept-encoding': 'gzip, br', 'x-request-id': 'live-headers-1' });
      expect(client.headers['content-type']).toBe('text/event-stream');
      expect(client.headers['cache-control']).toBe('no-cache');
      expect(client.headers['x-accel-buffering']).toBe('no');
      expect(client.headers['content-encoding']).toBeUndefined();
      expect(client.headers['content-length']).toBeUndefined();
      expect(client.headers['x-request-id']).toBe('live-headers-1');
      await client.until((c) => c.comments.filter((comment) => comment === 'heartbeat').length >= 2, 'two heartbeats');

      expectProblem(await t.http.get('/api/v1/articles/no-such-article/live'), 404, 'ARTICLE_NOT_FOUND');
      // HEAD says what the stream is and holds nothing open.
      const head = await t.http.head(`/api/v1/articles/${article.id}/live`).set('X-Forwarded-For', clientAddress());
      expect([head.status, head.headers['content-type']]).toEqual([200, 'text/event-stream']);
      expectProblem(await t.http.get(`/api/v1/articles/${article.id}/live?since=1`), 400, 'VALIDATION_FAILED');
    });

    it('counts open streams, and logs and counts each stream as a request once it ends', async () => {
      const article = await createArticle(t.http);
      const route = '/api/v1/articles/:articleId/live';
      const requestsBefore = await t.http.get('/metrics').then((response) => countOf(response.text, route));
      const client = await articleStream(article.id);
      const open = await t.http.get('/metrics').expect(200);
      expect(open.text).toMatch(/^margin_live_stream_connections [1-9]\d*$/m);
      client.close();
      await waitFor(async () => countOf((await t.http.get('/metrics')).text, route) > requestsBefore, 'the stream counted as a request');
      const after = await t.http.get('/metrics');
      expect(after.text).toMatch(/^margin_live_stream_connections 0$/m);
      expect(after.text).toContain('margin_live_events_published_total');
    });
  });

  describe('events for every write', () => {
    it('sends a posted comment exactly as the anonymous reader reads it, and its reactions at most once a second', async () => {
      const article = await createArticle(t.http);
      const [author, fan, other] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      const client = await articleStream(article.id);
      const posted = await postComment(t.http, author, article.id);
      await client.untilEvent('comment.created');
      const anonymous = (await t.http.get(`/api/v1/comments/${posted.id}`).expect(200)).body as Record<string, unknown>;
      delete anonymous.context;
      expect(client.dataOf('comment.created')).toEqual([anonymous]);
      expect(client.events[0].id).toMatch(/^[a-z0-9]+-\d+$/);

      await t.http.put(`/api/v1/comments/${posted.id}/reaction`).set(fan.auth).expect(204);
      await t.http.put(`/api/v1/comments/${posted.id}/reaction`).set(other.auth).expect(204);
      await t.http.delete(`/api/v1/comments/${posted.id}/reaction`).set(fan.auth).expect(204);
      // The first change goes out at once; the two within the same second go out together when it ends, with the count then.
      await client.until((c) => c.dataOf<{ reactionCount: number }>('comment.reactions').at(-1)?.reactionCount === 1 && c.dataOf('comment.reactions').length >= 2, 'the settled count');
      const counts = client.dataOf<{ id: string; reactionCount: number }>('comment.reactions');
      expect(counts).toEqual([
        { id: posted.id, reactionCount: 1 },
        { id: posted.id, reactionCount: 1 },
      ]);
    });

    it('updates on edit, feature, unfeature, hide and delete; a comment appears when approved or unhidden', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const moderator = await registerStaff(t.http, t.db, 'moderator');
      const client = await articleStream(article.id);
      const edited = await postComment(t.http, author, article.id);
      const doomed = await postComment(t.http, author, article.id);
      await t.http.patch(`/api/v1/comments/${edited.id}`).set(author.auth).send({ body: 'Second thoughts' }).expect(200);
      await t.http.post(`/api/v1/admin/comments/${edited.id}/feature`).set(moderator.auth).expect(200);
      await t.http.post(`/api/v1/admin/comments/${edited.id}/unfeature`).set(moderator.auth).expect(200);
      await t.http.post(`/api/v1/admin/comments/${edited.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
      await t.http.post(`/api/v1/admin/comments/${edited.id}/unhide`).set(moderator.auth).expect(200);
      await t.http.delete(`/api/v1/comments/${doomed.id}`).set(author.auth).expect(204);
      await client.untilEvent('comment.updated', 5);
      await client.untilEvent('comment.created', 3);

      const sequence = client.events.map((event) => {
        const data = JSON.parse(event.data) as UpdatedData;
        return [event.event, data.id, data.status, data.body, data.featured];
      });
      expect(sequence).toEqual([
        ['comment.created', edited.id, 'visible', edited.body, false],
        ['comment.created', doomed.id, 'visible', doomed.body, false],
        ['comment.updated', edited.id, 'visible', 'Second thoughts', false],
        ['comment.updated', edited.id, 'visible', 'Second thoughts', true],
        ['comment.updated', edited.id, 'visible', 'Second thoughts', false],
        ['comment.updated', edited.id, 'hidden', null, false],
        ['comment.created', edited.id, 'visible', 'Second thoughts', false],
        ['comment.updated', doomed.id, 'deleted', null, false],
      ]);
      const [editedUpdate] = client.dataOf<UpdatedData>('comment.updated');
      expect(Object.keys(editedUpdate).sort()).toEqual(['body', 'editedAt', 'featured', 'id', 'status']);
      expect(editedUpdate.editedAt).toEqual(expect.any(String));

      // Pending comments are for their author and moderators: nothing until a moderator approves it.
      const held = await postComment(t.http, author, article.id);
      await changeStatus(t, held.id, 'pending');
      await t.http.post(`/api/v1/admin/comments/${held.id}/approve`).set(moderator.auth).expect(200);
      await client.untilEvent('comment.created', 5);
      const heldEvents = client.events.filter((event) => (JSON.parse(event.data) as { id: string }).id === held.id).map((event) => event.event);
      expect(heldEvents).toEqual(['comment.created', 'comment.created']);
    });

    it('sends nothing for a write that rolled back', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const posted = await postComment(t.http, author, article.id);
      const client = await articleStream(article.id);
      const comments = t.app.get(CommentsService);
      await expect(
        t.transactions.run(async () => {
          await comments.setFeatured(posted.id, true);
          throw new Error('changed our mind');
        }),
      ).rejects.toThrow('changed our mind');
      const after = await postComment(t.http, author, article.id);
      await client.untilEvent('comment.created');
      // Events of one article arrive in commit order, so the rolled-back feature would have come first.
      expect(client.events.map((event) => [event.event, (JSON.parse(event.data) as { id: string }).id])).toEqual([['comment.created', after.id]]);
    });

    it('keeps the order of the writes, with increasing ids', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const client = await articleStream(article.id);
      const posted = [];
      for (let i = 0; i < 8; i += 1) posted.push(await postComment(t.http, author, article.id));
      await client.untilEvent('comment.created', 8);
      expect(client.dataOf<CreatedData>('comment.created').map((data) => data.id)).toEqual(posted.map((comment) => comment.id));
      const sequences = client.events.map((event) => Number((event.id as string).split('-')[1]));
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
      expect(new Set(sequences).size).toBe(8);
    });
  });

  describe('resumption', () => {
    it('replays what a reconnecting client missed, in order, and nothing when it missed nothing', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const first = await articleStream(article.id);
      const seen = await postComment(t.http, author, article.id);
      await first.untilEvent('comment.created');
      const lastEventId = first.lastEventId as string;
      first.close();
      const missed = [await postComment(t.http, author, article.id), await postComment(t.http, author, article.id)];

      const resumed = await articleStream(article.id, { 'last-event-id': lastEventId });
      await resumed.untilEvent('comment.created', 2);
      expect(resumed.events.map((event) => event.event)).toEqual(['comment.created', 'comment.created']);
      expect(resumed.dataOf<CreatedData>('comment.created').map((data) => data.id)).toEqual(missed.map((comment) => comment.id));
      expect(resumed.dataOf<CreatedData>('comment.created').map((data) => data.id)).not.toContain(seen.id);

      const upToDate = await articleStream(article.id, { 'last-event-id': resumed.lastEventId as string });
      const next = await postComment(t.http, author, article.id);
      await upToDate.untilEvent('comment.created');
      expect(upToDate.events.map((event) => [event.event, (JSON.parse(event.data) as { id: string }).id])).toEqual([['comment.created', next.id]]);
    });

    it('starts with event: reset when the gap cannot be replayed', async () => {
      const article = await createArticle(t.http);
      const author = await registerReader(t.http);
      const client = await articleStream(article.id);
      await postComment(t.http, author, article.id);
      await client.untilEvent('comment.created');
      const [epoch] = (client.lastEventId as string).split('-');
      // Ahead of anything published, from another process's epoch, or no id at all: nothing can be replayed.
      for (const stale of [`${epoch}-999`, 'zz-12', 'not an id']) {
        const resumed = await articleStream(article.id, { 'last-event-id': stale });
        await resumed.untilEvent('reset');
        expect(resumed.events[0]).toEqual({ event: 'reset', data: '{}' });
      }
    });
  });

  describe('tickets', () => {
    it('are single use, and the stream they open leaves out the comments of readers its reader ignores', async () => {
      const article = await createArticle(t.http);
      const [reader, ignored, other] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      await ignore(t.http, reader, ignored);
      const ticket = await ticketFor(reader);
      const personal = await articleStream(article.id, {}, ticket);
      const anonymous = await articleStream(article.id);
      expectProblem(await t.http.get(`/api/v1/articles/${article.id}/live?ticket=${ticket}`), 401, 'INVALID_TICKET');

      const hiddenFromReader = await postComment(t.http, ignored, article.id);
      const shown = await postComment(t.http, other, article.id);
      await anonymous.untilEvent('comment.created', 2);
      await personal.untilEvent('comment.created');
      await t.http.patch(`/api/v1/comments/${hiddenFromReader.id}`).set(ignored.auth).send({ body: 'Edited' }).expect(200);
      await t.http.patch(`/api/v1/comments/${shown.id}`).set(other.auth).send({ body: 'Edited too' }).expect(200);
      await anonymous.untilEvent('comment.updated', 2);
      await personal.untilEvent('comment.updated');
      expect(anonymous.dataOf<CreatedData>('comment.created').map((data) => data.id)).toEqual([hiddenFromReader.id, shown.id]);
      expect(personal.events.map((event) => [event.event, (JSON.parse(event.data) as { id: string }).id])).toEqual([
        ['comment.created', shown.id],
        ['comment.updated', shown.id],
      ]);
    });

    it('are refused when unknown, and need a signed-in reader to be issued', async () => {
      const article = await createArticle(t.http);
      expectProblem(await t.http.get(`/api/v1/articles/${article.id}/live?ticket=${'a'.repeat(32)}`), 401, 'INVALID_TICKET');
      expectProblem(await t.http.post('/api/v1/me/live-ticket'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('the moderators\' queue stream', () => {
    it('follows reports, pending comments, hides and approvals', async () => {
      const article = await createArticle(t.http);
      const [author, reporter] = [await registerReader(t.http), await registerReader(t.http)];
      const moderator = await registerStaff(t.http, t.db, 'moderator');
      const queue = await stream(`/api/v1/admin/queue/live?ticket=${await ticketFor(moderator)}`);
      expect(queue.status).toBe(200);
      expect(queue.headers['content-type']).toBe('text/event-stream');

      const reported = await postComment(t.http, author, article.id);
      await reportComment(t.http, reporter, reported.id);
      await t.http.post(`/api/v1/admin/comments/${reported.id}/hide`).set(moderator.auth).send({ reason: 'abuse' }).expect(200);
      await t.http.post(`/api/v1/admin/comments/${reported.id}/unhide`).set(moderator.auth).expect(200);
      const held = await postComment(t.http, author, article.id);
      await changeStatus(t, held.id, 'pending');
      await t.http.post(`/api/v1/admin/comments/${held.id}/approve`).set(moderator.auth).expect(200);
      const mine = (client: SseClient) =>
        client.events
          .map((event) => [event.event, JSON.parse(event.data) as QueueData] as const)
          .filter(([, data]) => data.commentId === reported.id || data.commentId === held.id)
          .map(([type, data]) => [type, data.commentId === reported.id ? 'reported comment' : 'held comment', data.state]);
      await queue.until((client) => mine(client).length >= 6, 'six queue changes');
      expect(mine(queue)).toEqual([
        ['queue.added', 'reported comment', 'reported'],
        ['queue.removed', 'reported comment', 'reported'],
        ['queue.added', 'reported comment', 'hidden'],
        ['queue.removed', 'reported comment', 'hidden'],
        ['queue.added', 'held comment', 'pending'],
        ['queue.removed', 'held comment', 'pending'],
      ]);
    });

    it('needs a moderator: 401 without a ticket or with a used one, 403 for a reader', async () => {
      const reader = await registerReader(t.http);
      const moderator = await registerStaff(t.http, t.db, 'moderator');
      expectProblem(await t.http.get('/api/v1/admin/queue/live'), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get(`/api/v1/admin/queue/live?ticket=${await ticketFor(reader)}`), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/api/v1/admin/queue/live').set(reader.auth), 403, 'FORBIDDEN');
      const ticket = await ticketFor(moderator);
      const first = await stream(`/api/v1/admin/queue/live?ticket=${ticket}`);
      expect(first.status).toBe(200);
      expectProblem(await t.http.get(`/api/v1/admin/queue/live?ticket=${ticket}`), 401, 'INVALID_TICKET');
      const withHeader = await stream('/api/v1/admin/queue/live', moderator.auth);
      expect(withHeader.status).toBe(200);
    });
  });

  describe('streams that do not hurt the server', () => {
    it('caps the streams of one client address with a 429', async () => {
      const article = await createArticle(t.http);
      const address = clientAddress();
      for (let i = 0; i < MAX_STREAMS_PER_CLIENT; i += 1) await articleStream(article.id, { 'x-forwarded-for': address });
      const refused = await t.http.get(`/api/v1/articles/${article.id}/live`).set('X-Forwarded-For', address);
      expectProblem(refused, 429, 'TOO_MANY_STREAMS');
      expect(refused.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
      // Another address is not affected, and a closed stream frees its place.
      await articleStream(article.id);
      streams[0].close();
      await waitFor(async () => (await SseClient.open(base, `/api/v1/articles/${article.id}/live`, { 'x-forwarded-for': address }).then(keep)).status === 200, 'a freed place');
    });

    it('drops a client that stops reading, and keeps serving the ones that read', async () => {
      const article = await createArticle(t.http);
      const slow = await articleStream(article.id);
      const reading = await articleStream(article.id);
      slow.pause();
      const droppedBefore = await metricValue('margin_live_streams_dropped_total', { reason: 'slow' });
      // Loopback sockets absorb megabytes before a sender feels it: events are put on the bus directly, as a write would.
      const bus = t.app.get(LiveBus);
      const body = 'long words '.repeat(1_000);
      let published = 0;
      const giveUpAt = Date.now() + 20_000;
      const dropped = async () => (await metricValue('margin_live_streams_dropped_total', { reason: 'slow' })) > droppedBefore;
      // A client that stops reading does not see the server's close either (it reads nothing): the count says it.
      while (!(await dropped()) && Date.now() < giveUpAt) {
        await bus.publish(articleChannel(article.id), { event: { type: 'comment.reactions', data: { id: `${published}`, reactionCount: published, padding: body } as never }, authorId: null });
        published += 1;
        // Bursts with pauses between, so the reading client reads as a browser would.
        if (published % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await metricValue('margin_live_streams_dropped_total', { reason: 'slow' })).toBe(droppedBefore + 1);
      await reading.untilEvent('comment.reactions', published);
      expect(reading.ended).toBe(false);
    });

    it('replays a long gap at the pace of the client instead of dropping it', async () => {
      const article = await createArticle(t.http);
      const first = await articleStream(article.id);
      const bus = t.app.get(LiveBus);
      const body = 'long words '.repeat(200);
      await bus.publish(articleChannel(article.id), { event: { type: 'comment.reactions', data: { id: 'first', reactionCount: 0 } }, authorId: null });
      await first.untilEvent('comment.reactions');
      const lastEventId = first.lastEventId as string;
      first.close();
      // Far more than a stream may have waiting for it (16 KiB here), all at once.
      for (let i = 1; i <= 100; i += 1) {
        await bus.publish(articleChannel(article.id), { event: { type: 'comment.reactions', data: { id: `${i}`, reactionCount: i, padding: body } as never }, authorId: null });
      }
      const resumed = await articleStream(article.id, { 'last-event-id': lastEventId });
      await resumed.untilEvent('comment.reactions', 100);
      expect(resumed.dataOf<{ reactionCount: number }>('comment.reactions').map((data) => data.reactionCount)).toEqual(
        Array.from({ length: 100 }, (_, index) => index + 1),
      );
      expect(resumed.ended).toBe(false);
    });
  });

  function keep(client: SseClient): SseClient {
    streams.push(client);
    return client;
  }
});

function countOf(metrics: string, route: string): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('http_requests_total{') && line.includes(`route="${route}"`))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function waitFor(check: () => Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('live-stream tickets expire (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LIVE_TICKET_TTL_SECONDS: '0.3' });
  });
  afterAll(() => t.close());

  it('refuses a ticket once its lifetime is over', async () => {
    const article = await createArticle(t.http);
    const reader = await registerReader(t.http);
    const { ticket } = (await t.http.post('/api/v1/me/live-ticket').set(reader.auth).expect(201)).body as { ticket: string };
    await new Promise((resolve) => setTimeout(resolve, 400));
    expectProblem(await t.http.get(`/api/v1/articles/${article.id}/live?ticket=${ticket}`), 401, 'INVALID_TICKET');
  });
});
