import Redis from 'ioredis';
import { shutDown } from '../../src/lifecycle/graceful-shutdown';
import { LiveBus } from '../../src/live/live-bus';
import { articleChannel } from '../../src/live/live-events';
import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { registerReader, RegisteredReader } from '../factories/users.factory';
import { CuttableTcpProxy } from '../support/cuttable-tcp-proxy';
import { expectProblem } from '../support/problem';
import { baseUrlOf, SseClient } from '../support/sse-client';
import { createTestApp, TestApp } from '../support/test-app';

const SHARED_REDIS = 'redis://127.0.0.1:6379/0';

interface Listening {
  t: TestApp;
  base: string;
}

async function listening(env: Record<string, string>): Promise<Listening> {
  const t = await createTestApp({ LIVE_HEARTBEAT_SECONDS: '0.5', ...env });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, base: baseUrlOf(t.app.getHttpServer()) };
}

const idOf = (client: SseClient) => client.dataOf<{ id: string }>('comment.created').map((data) => data.id);

describe('live threads across instances, through Redis (e2e)', () => {
  let a: Listening;
  let b: Listening;
  const streams: SseClient[] = [];
  const open = async (on: Listening, path: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(on.base, path, headers);
    streams.push(client);
    expect(client.status).toBe(200);
    return client;
  };

  beforeAll(async () => {
    a = await listening({ REDIS_URL: SHARED_REDIS });
    b = await listening({ REDIS_URL: SHARED_REDIS });
  });
  afterEach(() => {
    for (const client of streams.splice(0)) client.close();
  });
  afterAll(async () => {
    await a.t.close();
    await b.t.close();
  });

  it('delivers a write taken by one instance to streams on both, in the order of the writes, numbered by Redis', async () => {
    const article = await createArticle(a.t.http);
    const author = await registerReader(a.t.http);
    const onA = await open(a, `/api/v1/articles/${article.id}/live`);
    const onB = await open(b, `/api/v1/articles/${article.id}/live`);
    const posted = [];
    for (const [i, instance] of [a, b, a, b, b, a].entries()) posted.push(await postComment(instance.t.http, author, article.id, { body: `Post ${i} ${article.id}` }));
    await onA.untilEvent('comment.created', posted.length);
    await onB.untilEvent('comment.created', posted.length);
    expect(idOf(onB)).toEqual(posted.map((comment) => comment.id));
    expect(idOf(onA)).toEqual(posted.map((comment) => comment.id));
    // One sequence for the article, whichever instance published: the same ids on both streams.
    expect(onB.events.map((event) => event.id)).toEqual(onA.events.map((event) => event.id));
    const sequences = onB.events.map((event) => Number((event.id as string).replace(/^r-/, '')));
    expect(onB.events.every((event) => (event.id as string).startsWith('r-'))).toBe(true);
    expect(sequences).toEqual(sequences.map((_, index) => sequences[0] + index));
  });

  it('resumes on another instance: nothing is missed when nothing happened, the rest is replayed or reset', async () => {
    const article = await createArticle(a.t.http);
    const author = await registerReader(a.t.http);
    const onA = await open(a, `/api/v1/articles/${article.id}/live`);
    await postComment(a.t.http, author, article.id);
    await onA.untilEvent('comment.created');
    const lastEventId = onA.lastEventId as string;
    onA.close();

    // B never listened to this article; Redis tells it that nothing came after the client's last event.
    const onB = await open(b, `/api/v1/articles/${article.id}/live`, { 'last-event-id': lastEventId });
    const next = await postComment(a.t.http, author, article.id);
    await onB.untilEvent('comment.created');
    expect(onB.events.map((event) => event.event)).toEqual(['comment.created']);
    expect(idOf(onB)).toEqual([next.id]);

    // A gap B never saw cannot be replayed there: reset.
    const elsewhere = await createArticle(a.t.http);
    const first = await open(a, `/api/v1/articles/${elsewhere.id}/live`);
    await postComment(a.t.http, author, elsewhere.id);
    await first.untilEvent('comment.created');
    first.close();
    await postComment(a.t.http, author, elsewhere.id);
    // The event is published after the post's response (its view is read after the commit): wait until Redis has
    // numbered it, or B could open before it and be sent it live instead of the reset.
    const channel = articleChannel(elsewhere.id);
    const seen = Number((first.lastEventId as string).replace(/^r-/, ''));
    await waitFor(async () => ((await a.t.app.get(LiveBus).latestRedisId(channel))?.seq ?? 0) > seen, 'the second post numbered in Redis');
    const gap = await open(b, `/api/v1/articles/${elsewhere.id}/live`, { 'last-event-id': first.lastEventId as string });
    await gap.untilEvent('reset');
    expect(gap.events[0].event).toBe('reset');
  });

  it('coalesces a comment\'s reaction counts across instances: the first at once, the rest in one event with the count then', async () => {
    const article = await createArticle(a.t.http);
    const author = await registerReader(a.t.http);
    const fans = [await registerReader(a.t.http), await registerReader(a.t.http), await registerReader(a.t.http)];
    const posted = await postComment(a.t.http, author, article.id);
    const onB = await open(b, `/api/v1/articles/${article.id}/live`);
    for (const [i, fan] of fans.entries()) await (i % 2 === 0 ? a : b).t.http.put(`/api/v1/comments/${posted.id}/reaction`).set(fan.auth).expect(204);
    await onB.until((client) => client.dataOf<{ reactionCount: number }>('comment.reactions').at(-1)?.reactionCount === 3, 'the settled count');
    // Both instances took reactions within one second; the count went out twice, not once per reaction or per instance.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(onB.dataOf('comment.reactions')).toEqual([
      { id: posted.id, reactionCount: 1 },
      { id: posted.id, reactionCount: 3 },
    ]);
  });

  it('still sends the settled count when a retry wakes before the earlier publish has let go of the second', async () => {
    const article = await createArticle(a.t.http);
    const author = await registerReader(a.t.http);
    const fan = await registerReader(a.t.http);
    const posted = await postComment(a.t.http, author, article.id);
    const onA = await open(a, `/api/v1/articles/${article.id}/live`);
    await a.t.http.put(`/api/v1/comments/${posted.id}/reaction`).set(fan.auth).expect(204);
    await onA.until((client) => client.dataOf('comment.reactions').length === 1, 'the first count');
    await a.t.http.delete(`/api/v1/comments/${posted.id}/reaction`).set(fan.auth).expect(204);
    // The retry for the unreaction is now timed to the gate's expiry; Redis keeps the gate a little longer
    // (clocks and expiry rounding disagree by that much in production, here it is made certain).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const redis = new Redis(SHARED_REDIS);
    try {
      expect(await redis.pexpire(`margin:live:reactions:${posted.id}`, 1_500)).toBe(1);
    } finally {
      redis.disconnect();
    }
    await onA.until((client) => client.dataOf('comment.reactions').length === 2, 'the settled count');
    expect(onA.dataOf('comment.reactions')).toEqual([
      { id: posted.id, reactionCount: 1 },
      { id: posted.id, reactionCount: 0 },
    ]);
  });

  it('redeems on one instance a ticket issued by another, once', async () => {
    const article = await createArticle(a.t.http);
    const reader: RegisteredReader = await registerReader(a.t.http);
    const { ticket } = (await a.t.http.post('/api/v1/me/live-ticket').set(reader.auth).expect(201)).body as { ticket: string };
    await open(b, `/api/v1/articles/${article.id}/live?ticket=${ticket}`);
    expectProblem(await a.t.http.get(`/api/v1/articles/${article.id}/live?ticket=${ticket}`), 401, 'INVALID_TICKET');
  });
});

describe('live threads when Redis fails, and on shutdown (e2e)', () => {
  let proxy: CuttableTcpProxy;
  let c: Listening;

  beforeAll(async () => {
    const cut = await CuttableTcpProxy.inFrontOf(SHARED_REDIS);
    proxy = cut.proxy;
    c = await listening({ REDIS_URL: cut.url });
  });
  afterAll(async () => {
    await proxy.restore();
    await c.t.close();
    await proxy.close();
  });

  it('keeps streams working for this instance\'s own writes while Redis is down', async () => {
    const article = await createArticle(c.t.http);
    const author = await registerReader(c.t.http);
    const before = await SseClient.open(c.base, `/api/v1/articles/${article.id}/live`);
    await proxy.refuse();
    await waitFor(async () => ((await c.t.http.get('/health/ready')).body as { redis?: string }).redis === 'down', 'Redis seen down');
    try {
      const during = await SseClient.open(c.base, `/api/v1/articles/${article.id}/live`);
      expect(during.status).toBe(200);
      const posted = await postComment(c.t.http, author, article.id);
      await before.untilEvent('comment.created');
      await during.untilEvent('comment.created');
      expect(idOf(before)).toEqual([posted.id]);
      expect(idOf(during)).toEqual([posted.id]);
      // Numbered by this process, not by Redis.
      expect(during.events[0].id).not.toMatch(/^r-/);
      during.close();
    } finally {
      before.close();
      await proxy.restore();
    }
  });

  it('tells open streams to reset when the Redis subscription comes back (messages may have been lost meanwhile)', async () => {
    const article = await createArticle(c.t.http);
    const client = await SseClient.open(c.base, `/api/v1/articles/${article.id}/live`);
    try {
      await proxy.refuse();
      await waitFor(async () => ((await c.t.http.get('/health/ready')).body as { redis?: string }).redis === 'down', 'Redis seen down');
      await proxy.restore();
      await client.untilEvent('reset');
      expect(client.events.map((event) => event.event)).toEqual(['reset']);
    } finally {
      client.close();
    }
  });

  it('ends open streams when the instance shuts down, without waiting out the grace period', async () => {
    const d = await listening({});
    const article = await createArticle(d.t.http);
    const client = await SseClient.open(d.base, `/api/v1/articles/${article.id}/live`);
    const lines: string[] = [];
    await shutDown({ app: d.t.app, graceMs: 60_000, log: (line) => lines.push(line) });
    await client.untilEnded();
    expect(lines.filter((line) => line.includes('still in flight'))).toEqual([]);
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
