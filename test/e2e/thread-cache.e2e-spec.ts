import { ThreadCache } from '../../src/common/cache/thread-cache';
import { createArticle } from '../factories/articles.factory';
import { registerReader, registerStaff } from '../factories/users.factory';
import { createTestApp, TestApp } from '../support/test-app';

const firstPage = (t: TestApp, articleId: string) => t.http.get(`/api/v1/articles/${articleId}/comments`).expect(200);
const post = (t: TestApp, articleId: string, auth: Record<string, string>, body: string) =>
  t.http.post(`/api/v1/articles/${articleId}/comments`).set(auth).send({ body }).expect(201);

describe('cached first pages of threads (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves the same JSON to anonymous readers, and a new comment shows at once after its 201', async () => {
    const article = await createArticle(t.http);
    const reader = await registerReader(t.http);
    await post(t, article.id, reader.auth, 'first');
    const stored = jest.spyOn(t.app.get(ThreadCache), 'store');
    const before = await firstPage(t, article.id);
    expect(before.headers['content-type']).toMatch(/^application\/json/);
    expect((await firstPage(t, article.id)).text).toBe(before.text);
    expect(stored).toHaveBeenCalledTimes(1);
    stored.mockRestore();

    const created = await post(t, article.id, reader.auth, 'second');
    const after = await firstPage(t, article.id);
    expect(after.body.items.map((item: { id: string }) => item.id)).toContain(created.body.id);
  });

  it('shows reactions, edits, hides and deletes at once', async () => {
    const article = await createArticle(t.http);
    const [author, fan] = [await registerReader(t.http), await registerReader(t.http)];
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    const comment = (await post(t, article.id, author.auth, 'original words')).body;
    await firstPage(t, article.id);

    await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth).expect(204);
    expect((await firstPage(t, article.id)).body.items[0].reactionCount).toBe(1);

    await t.http.patch(`/api/v1/comments/${comment.id}`).set(author.auth).send({ body: 'better words' }).expect(200);
    expect((await firstPage(t, article.id)).body.items[0].body).toBe('better words');

    await t.http.post(`/api/v1/admin/comments/${comment.id}/feature`).set(moderator.auth).expect(200);
    expect((await firstPage(t, article.id)).body.items[0].featured).toBe(true);

    await t.http.post(`/api/v1/admin/comments/${comment.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
    expect((await firstPage(t, article.id)).body.items[0]).toEqual(expect.objectContaining({ status: 'hidden', body: null }));

    await t.http.post(`/api/v1/admin/comments/${comment.id}/unhide`).set(moderator.auth).expect(200);
    await t.http.delete(`/api/v1/comments/${comment.id}`).set(author.auth).expect(204);
    expect((await firstPage(t, article.id)).body.items[0]).toEqual(expect.objectContaining({ status: 'deleted', body: null }));
  });

  it('never serves a cached page to a signed-in reader', async () => {
    const article = await createArticle(t.http);
    const [author, fan] = [await registerReader(t.http), await registerReader(t.http)];
    const comment = (await post(t, article.id, author.auth, 'read me')).body;
    await firstPage(t, article.id);
    await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(fan.auth).expect(204);
    const signedIn = await t.http.get(`/api/v1/articles/${article.id}/comments`).set(fan.auth).expect(200);
    expect(signedIn.body.items[0].viewerReacted).toBe(true);
    expect((await firstPage(t, article.id)).body.items[0].viewerReacted).toBe(false);
  });

  it('gives signed-in readers the shared page with their own reactions, and a fresh one when something on it is theirs', async () => {
    const article = await createArticle(t.http);
    const [author, fan, other] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    const liked = (await post(t, article.id, author.auth, 'liked one')).body;
    const hidden = (await post(t, article.id, author.auth, 'soon hidden')).body;
    await t.http.put(`/api/v1/comments/${liked.id}/reaction`).set(fan.auth).expect(204);
    await t.http.post(`/api/v1/admin/comments/${hidden.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);

    const stored = jest.spyOn(t.app.get(ThreadCache), 'store');
    const pageFor = async (auth: Record<string, string>) =>
      (await t.http.get(`/api/v1/articles/${article.id}/comments?sort=oldest`).set(auth).expect(200)).body.items as {
        id: string;
        body: string | null;
        viewerReacted: boolean;
      }[];
    const fanView = await pageFor(fan.auth);
    const otherView = await pageFor(other.auth);
    expect(stored).toHaveBeenCalledTimes(1);
    stored.mockRestore();
    expect(fanView.map((item) => [item.id, item.viewerReacted])).toEqual([[liked.id, true], [hidden.id, false]]);
    expect(otherView.map((item) => item.viewerReacted)).toEqual([false, false]);
    expect(otherView[1].body).toBeNull();

    expect((await pageFor(author.auth))[1].body).toBe('soon hidden');
    expect((await pageFor(moderator.auth))[1].body).toBe('soon hidden');
  });

  it('answers a signed-in reader with nothing of theirs on the page with the public bytes, privately, and marks their reaction once they react', async () => {
    const article = await createArticle(t.http);
    const [author, reader] = [await registerReader(t.http), await registerReader(t.http)];
    const comment = (await post(t, article.id, author.auth, 'nothing of the reader here')).body;
    await post(t, article.id, author.auth, 'a second one');
    const anonymous = await firstPage(t, article.id);
    const signedIn = await t.http.get(`/api/v1/articles/${article.id}/comments`).set(reader.auth).expect(200);
    expect(signedIn.text).toBe(anonymous.text);
    expect(signedIn.headers['content-type']).toBe(anonymous.headers['content-type']);
    expect(signedIn.headers['cache-control']).toBe('private, no-store');
    expect(signedIn.headers.etag).toBeUndefined();
    expect(signedIn.headers.vary).toMatch(/Authorization/);

    await t.http.put(`/api/v1/comments/${comment.id}/reaction`).set(reader.auth).expect(204);
    const reacted = await t.http.get(`/api/v1/articles/${article.id}/comments`).set(reader.auth).expect(200);
    expect(reacted.body.items.map((item: { id: string; viewerReacted: boolean }) => [item.id === comment.id, item.viewerReacted])).toEqual([
      [false, false],
      [true, true],
    ]);
    expect(reacted.headers.etag).toBeUndefined();
  });

  it('answers a token that is not valid, or a CMS key, on a first page with the page an anonymous reader gets, privately', async () => {
    const article = await createArticle(t.http);
    const author = await registerReader(t.http);
    await post(t, article.id, author.auth, 'read by a stale token');
    const anonymous = await firstPage(t, article.id);
    for (const headers of [{ authorization: 'Bearer not-a-token' }, { 'x-api-key': 'not-the-key' }]) {
      for (const query of ['', '?sort=oldest&limit=20', '?limit=020']) {
        const response = await t.http.get(`/api/v1/articles/${article.id}/comments${query}`).set(headers);
        if (response.status === 401) continue; // a wrong CMS key is refused on every route
        expect(response.status).toBe(200);
        expect(response.body).toEqual(anonymous.body);
        expect(response.headers['cache-control']).toBe('private, no-store');
        expect(response.headers.etag).toBeUndefined();
      }
    }
  });

  it('does not cache errors or bad queries', async () => {
    const id = 'not-registered-yet-' + Date.now().toString(36);
    expect((await t.http.get(`/api/v1/articles/${id}/comments`)).status).toBe(404);
    const article = await createArticle(t.http, { id });
    await firstPage(t, article.id);
    expect((await t.http.get(`/api/v1/articles/${article.id}/comments?sort=sideways`)).status).toBe(400);
  });
});

describe('cached first pages across instances sharing Redis (e2e)', () => {
  it('a write on one instance is seen at once by a reader on another', async () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379/0' };
    const [a, b] = [await createTestApp(env), await createTestApp(env)];
    try {
      const article = await createArticle(a.http);
      const reader = await registerReader(a.http);
      await post(a, article.id, reader.auth, 'on instance a');
      await firstPage(a, article.id);
      await firstPage(b, article.id);
      const created = await post(b, article.id, reader.auth, 'on instance b');
      const seenByA = await firstPage(a, article.id);
      expect(seenByA.body.items.map((item: { id: string }) => item.id)).toContain(created.body.id);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
