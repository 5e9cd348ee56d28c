import { register } from 'prom-client';
import { createArticle } from '../factories/articles.factory';
import { ageComment, postComment } from '../factories/comments.factory';
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
  viewerReacted: boolean;
}
interface UpdatedData {
  id: string;
  status: string;
  body: string | null;
  editedAt: string | null;
  featured: boolean;
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

describe('live threads over Server-Sent Events (e2e)', () => {
  let t: TestApp;
  let base: string;
  const streams: SseClient[] = [];

  async function stream(path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = await SseClient.open(base, path, headers);
    streams.push(client);
    return client;
  }

  async function ticketFor(reader: RegisteredReader): Promise<string> {
    const response = await t.http.post('/api/v1/me/live-ticket').set(reader.auth).expect(201);
    return response.body.ticket as string;
  }

  beforeAll(async () => {
    t = await createTestApp({ LIVE_HEARTBEAT_SECONDS: '0.2', LIVE_MAX_STREAMS_PER_CLIENT: '1000' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.app.getHttpServer());
  });
  afterEach(() => {
    for (const client of streams.splice(0)) client.close();
  });
  afterAll(() => t.close());

  it('answers with an uncompressed, unbuffered event stream, and 404 for an unknown article', async () => {
    const article = await createArticle(t.http);
    const client = await stream(`/api/v1/articles/${article.id}/live`, { 'accept-encoding': 'gzip, br', 'x-request-id': 'live-headers-1' });
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream');
    expect(client.headers['cache-control']).toBe('no-cache');
    expect(client.headers['x-accel-buffering']).toBe('no');
    expect(client.headers['content-encoding']).toBeUndefined();
    expect(client.headers['x-request-id']).toBe('live-headers-1');
    await client.until((c) => c.comments.includes('heartbeat'), 'a heartbeat');

    const missing = await t.http.get('/api/v1/articles/no-such-article/live');
    expectProblem(missing, 404, 'ARTICLE_NOT_FOUND');
  });

  it('sends a posted comment as the anonymous reader sees it, with an id', async () => {
    const article = await createArticle(t.http);
    const [author, fan] = [await registerReader(t.http), await registerReader(t.http)];
    const client = await stream(`/api/v1/articles/${article.id}/live`);
    const posted = await postComment(t.http, author, article.id);
    await client.untilEvent('comment.created');
    const [created] = client.dataOf<CreatedData>('comment.created');
    const anonymous = (await t.http.get(`/api/v1/comments/${posted.id}`).expect(200)).body as Record<string, unknown>;
    delete anonymous.context;
    expect(created).toEqual(anonymous);
    expect(client.events[0].id).toMatch(/^[a-z0-9]+-\d+$/);

    await t.http.put(`/api/v1/comments/${posted.id}/reaction`).set(fan.auth).expect(204);
    await client.untilEvent('comment.reactions');
    expect(client.dataOf('comment.reactions')).toEqual([{ id: posted.id, reactionCount: 1 }]);
  });
});
