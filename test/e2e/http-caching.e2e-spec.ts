import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { registerReader } from '../factories/users.factory';
import { createTestApp, TestApp } from '../support/test-app';

const SHAREABLE = /^public, max-age=\d+, stale-while-revalidate=\d+$/;

describe('HTTP caching of public reads (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function arrangeThread() {
    const article = await createArticle(t.http);
    const reader = await registerReader(t.http);
    const top = await postComment(t.http, reader, article.id);
    await postComment(t.http, reader, article.id, { parentId: top.id });
    return { article, reader, top };
  }

  it('marks an anonymous first page shareable, with an entity tag that answers 304 until the thread changes', async () => {
    const { article, reader } = await arrangeThread();
    const path = `/api/v1/articles/${article.id}/comments`;
    const first = await t.http.get(path).expect(200);
    expect(first.headers['cache-control']).toMatch(SHAREABLE);
    expect(first.headers.vary).toMatch(/authorization/i);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);

    const revalidated = await t.http.get(path).set('If-None-Match', etag).expect(304);
    expect(revalidated.text).toBe('');
    expect(revalidated.headers.etag).toBe(etag);
    await t.http.get(path).set('If-None-Match', `W/"something-else", ${etag}`).expect(304);
    expect((await t.http.get(path).set('If-None-Match', 'W/"something-else"').expect(200)).text).toBe(first.text);

    await postComment(t.http, reader, article.id);
    const changed = await t.http.get(path).set('If-None-Match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.items).toHaveLength(2);
  });

  it('gives every spelling of one first page the same entity tag', async () => {
    const { article } = await arrangeThread();
    const path = `/api/v1/articles/${article.id}/comments`;
    const canonical = await t.http.get(`${path}?limit=20&sort=newest`).expect(200);
    for (const query of ['', '?limit=020', '?limit=20.0', '?sort=newest']) {
      expect((await t.http.get(`${path}${query}`).expect(200)).headers.etag).toBe(canonical.headers.etag);
    }
    await t.http.get(`${path}?limit=020`).set('If-None-Match', canonical.headers.etag as string).expect(304);
  });

  it('never marks a request with Authorization shareable, and sends it no entity tag', async () => {
    const { article, reader, top } = await arrangeThread();
    for (const path of [`/api/v1/articles/${article.id}/comments`, `/api/v1/comments/${top.id}/replies`, `/api/v1/users/${reader.id}`, `/api/v1/articles/${article.id}`]) {
      const anonymous = await t.http.get(path).expect(200);
      const signedIn = await t.http.get(path).set(reader.auth).set('If-None-Match', anonymous.headers.etag as string).expect(200);
      expect(signedIn.headers['cache-control']).toBe('private, no-store');
      expect(signedIn.headers.vary).toMatch(/authorization/i);
      expect(signedIn.headers.etag).toBeUndefined();
    }
  });

  it('marks anonymous replies pages, profiles and articles shareable, with 304s', async () => {
    const { article, reader, top } = await arrangeThread();
    for (const path of [`/api/v1/comments/${top.id}/replies`, `/api/v1/users/${reader.id}`, `/api/v1/articles/${article.id}`]) {
      const response = await t.http.get(path).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['cache-control']).toMatch(SHAREABLE);
      expect(response.headers.vary).toMatch(/authorization/i);
      expect(response.body).toEqual(JSON.parse(response.text));
      await t.http.get(path).set('If-None-Match', response.headers.etag as string).expect(304);
    }
  });

  it('does not mark errors shareable', async () => {
    const response = await t.http.get('/api/v1/articles/never-registered-article/comments').expect(404);
    expect(response.headers['cache-control'] ?? '').not.toMatch(/public/);
    expect(response.headers.etag).toBeUndefined();
  });

  it('leaves writes alone: POST /articles/counts is not marked shareable', async () => {
    const { article } = await arrangeThread();
    const response = await t.http.post('/api/v1/articles/counts').send({ ids: [article.id] }).expect(200);
    expect(response.headers['cache-control'] ?? '').not.toMatch(/public/);
    expect(response.headers.etag).toBeUndefined();
  });
});
