import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { expectProblem } from '../support/problem';
import { createTestApp, TestApp } from '../support/test-app';

describe('picks: GET /articles/:articleId/picks (e2e)', () => {
  let t: TestApp;
  let moderator: RegisteredReader;
  let author: RegisteredReader;

  beforeAll(async () => {
    t = await createTestApp();
    [moderator, author] = await Promise.all([registerStaff(t.http, t.db, 'moderator'), registerReader(t.http)]);
  });
  afterAll(() => t.close());

  const moderate = (action: string, commentId: string, body: Record<string, unknown> = {}) =>
    t.http.post(`/api/v1/admin/comments/${commentId}/${action}`).set(moderator.auth).send(body).expect(200);
  const picksPath = (articleId: string) => `/api/v1/articles/${articleId}/picks`;
  const pickIds = async (articleId: string, query = '', auth: Record<string, string> = {}) =>
    ((await t.http.get(`${picksPath(articleId)}${query}`).set(auth).expect(200)).body.items as { id: string }[]).map((item) => item.id);

  /** An article with three top-level comments and a reply to the first. */
  async function threadWithComments() {
    const article = await createArticle(t.http);
    const first = await postComment(t.http, author, article.id);
    const second = await postComment(t.http, author, article.id);
    const third = await postComment(t.http, author, article.id);
    const reply = await postComment(t.http, author, article.id, { parentId: first.id });
    return { article, first, second, third, reply };
  }

  it('lists featured comments and replies, the most recently featured first, with featuredAt; unfeatured ones are left out', async () => {
    const { article, first, second, third, reply } = await threadWithComments();
    expect(await pickIds(article.id)).toEqual([]);
    await moderate('feature', second.id);
    await moderate('feature', reply.id);
    await moderate('feature', first.id);

    const page = await t.http.get(picksPath(article.id)).expect(200);
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual([first.id, reply.id, second.id]);
    expect(page.body.nextCursor).toBeNull();
    expect(page.body.items[1]).toEqual(
      expect.objectContaining({ id: reply.id, parentId: first.id, body: reply.body, status: 'visible', featured: true, featuredAt: expect.any(String) }),
    );
    const times = page.body.items.map((item: { featuredAt: string }) => Date.parse(item.featuredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.body.items.map((item: { id: string }) => item.id)).not.toContain(third.id);

    // Featured again after an unfeature: it moves to the front, as just featured.
    await moderate('unfeature', second.id);
    expect(await pickIds(article.id)).toEqual([first.id, reply.id]);
    await moderate('feature', second.id);
    expect(await pickIds(article.id)).toEqual([second.id, first.id, reply.id]);
    // Featuring what is already featured changes nothing, its time included.
    await moderate('feature', reply.id);
    expect(await pickIds(article.id)).toEqual([second.id, first.id, reply.id]);
  });

  it('pages with a keyset cursor, anonymous and signed in alike; a forged cursor is a 400', async () => {
    const { article, first, second, third, reply } = await threadWithComments();
    for (const comment of [first, second, third, reply]) await moderate('feature', comment.id);
    const expected = [reply.id, third.id, second.id, first.id];

    for (const auth of [{}, author.auth]) {
      const one = await t.http.get(`${picksPath(article.id)}?limit=3`).set(auth).expect(200);
      expect(one.body.items.map((item: { id: string }) => item.id)).toEqual(expected.slice(0, 3));
      expect(one.body.nextCursor).toEqual(expect.any(String));
      const two = await t.http.get(`${picksPath(article.id)}?limit=3&cursor=${one.body.nextCursor}`).set(auth).expect(200);
      expect(two.body.items.map((item: { id: string }) => item.id)).toEqual(expected.slice(3));
      expect(two.body.nextCursor).toBeNull();
    }
    expectProblem(await t.http.get(`${picksPath(article.id)}?cursor=not-a-cursor`), 400, 'INVALID_CURSOR');
    const wrongShape = Buffer.from(JSON.stringify([5, first.id])).toString('base64url');
    expectProblem(await t.http.get(`${picksPath(article.id)}?cursor=${wrongShape}`), 400, 'INVALID_CURSOR');
    expectProblem(await t.http.get(`${picksPath(article.id)}?limit=101`), 400, 'VALIDATION_FAILED');
    expectProblem(await t.http.get(`${picksPath(article.id)}?sort=newest`), 400, 'VALIDATION_FAILED');
  });

  it('answers 404 ARTICLE_NOT_FOUND for an unknown article', async () => {
    expectProblem(await t.http.get(picksPath('no-such-article-here')), 404, 'ARTICLE_NOT_FOUND');
    expectProblem(await t.http.get(picksPath('no-such-article-here')).set(author.auth), 404, 'ARTICLE_NOT_FOUND');
  });

  it('a hidden or deleted pick drops out for everyone (moderators included) and an unhidden one comes back in its place', async () => {
    const { article, first, second, third } = await threadWithComments();
    for (const comment of [first, second, third]) await moderate('feature', comment.id);
    expect(await pickIds(article.id)).toEqual([third.id, second.id, first.id]);

    await moderate('hide', second.id, { reason: 'abuse' });
    expect(await pickIds(article.id)).toEqual([third.id, first.id]);
    expect(await pickIds(article.id, '', author.auth)).toEqual([third.id, first.id]);
    expect(await pickIds(article.id, '', moderator.auth)).toEqual([third.id, first.id]);

    await t.http.delete(`/api/v1/comments/${third.id}`).set(author.auth).expect(204);
    expect(await pickIds(article.id)).toEqual([first.id]);

    await moderate('unhide', second.id);
    expect(await pickIds(article.id)).toEqual([second.id, first.id]);
  });

  it('leaves out picks by readers the signed-in viewer ignores', async () => {
    const { article, first } = await threadWithComments();
    const other = await registerReader(t.http);
    const byOther = await postComment(t.http, other, article.id);
    await moderate('feature', first.id);
    await moderate('feature', byOther.id);
    const viewer = await registerReader(t.http);
    await t.http.put(`/api/v1/me/ignores/${other.id}`).set(viewer.auth).expect(204);
    expect(await pickIds(article.id, '', viewer.auth)).toEqual([first.id]);
    expect(await pickIds(article.id)).toEqual([byOther.id, first.id]);
  });

  it('the first anonymous page is cached under the thread version: a change behind the app is not seen, a feature or unfeature is at once', async () => {
    const { article, first, second, third } = await threadWithComments();
    await moderate('feature', first.id);
    await moderate('feature', second.id);
    expect(await pickIds(article.id)).toEqual([second.id, first.id]);

    // Behind the app's back (no write through it, so no new version): the cached page is still served.
    await t.db.query(`UPDATE comments SET featured_at = featured_at - interval '1 hour' WHERE id = $1`, [second.id]);
    expect(await pickIds(article.id)).toEqual([second.id, first.id]);
    // A signed-in reader's page is read fresh.
    expect(await pickIds(article.id, '', author.auth)).toEqual([first.id, second.id]);

    await moderate('feature', third.id);
    expect(await pickIds(article.id)).toEqual([third.id, first.id, second.id]);
    await moderate('unfeature', first.id);
    expect(await pickIds(article.id)).toEqual([third.id, second.id]);
  });

  it('anonymous reads carry an ETag and public Cache-Control (If-None-Match → 304); signed-in reads are private', async () => {
    const { article, first, second } = await threadWithComments();
    await moderate('feature', first.id);
    const path = picksPath(article.id);
    const anonymous = await t.http.get(path).expect(200);
    expect(anonymous.headers['cache-control']).toBe('public, max-age=5, stale-while-revalidate=30');
    expect(anonymous.headers.vary).toMatch(/Authorization/);
    const etag = anonymous.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    await t.http.get(path).set('If-None-Match', etag).expect(304);

    await moderate('feature', second.id);
    const changed = await t.http.get(path).set('If-None-Match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);

    const signedIn = await t.http.get(path).set(author.auth).expect(200);
    expect(signedIn.headers['cache-control']).toBe('private, no-store');
    expect(signedIn.headers.etag).toBeUndefined();
  });

  it('shows the signed-in viewer their own recommendations on picks', async () => {
    const { article, first } = await threadWithComments();
    await moderate('feature', first.id);
    const reader = await registerReader(t.http);
    await t.http.put(`/api/v1/comments/${first.id}/reaction`).set(reader.auth).expect(204);
    const page = await t.http.get(picksPath(article.id)).set(reader.auth).expect(200);
    expect(page.body.items).toEqual([expect.objectContaining({ id: first.id, viewerReacted: true, reactionCount: 1 })]);
    const anonymous = await t.http.get(picksPath(article.id)).expect(200);
    expect(anonymous.body.items).toEqual([expect.objectContaining({ id: first.id, viewerReacted: false, reactionCount: 1 })]);
  });
});
