import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { ignore } from '../factories/follows.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { TestApp } from '../support/test-app';

// Who sees which comments in the lists, over HTTP: a pending comment only its author
// and moderators; comments by readers the viewer ignores nobody of the viewer's; an
// erased reader's comments stay in place for everyone (they are nobody's any more).
const HELD = 'holdmeforreview';

describe('comment visibility in threads (e2e)', () => {
  let t: TestApp;
  let moderator: RegisteredReader;

  beforeAll(async () => {
    // A database of its own: the banned word that makes comments pending is site-wide.
    t = await createIsolatedTestApp();
    const admin = await registerStaff(t.http, t.db, 'admin');
    moderator = await registerStaff(t.http, t.db, 'moderator');
    await t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ bannedWords: [HELD], premoderateNewReaders: false }).expect(200);
  });
  afterAll(() => t.close());

  interface Item {
    id: string;
    replies: { id: string }[];
  }
  const threadIds = async (articleId: string, viewer?: RegisteredReader) => {
    const request = t.http.get(`/api/v1/articles/${articleId}/comments`).query({ sort: 'oldest' });
    const items: Item[] = (await (viewer ? request.set(viewer.auth) : request).expect(200)).body.items;
    return items.map((item) => [item.id, item.replies.map((reply) => reply.id)]);
  };
  const replyIds = async (rootId: string, viewer?: RegisteredReader) => {
    const request = t.http.get(`/api/v1/comments/${rootId}/replies`);
    return ((await (viewer ? request.set(viewer.auth) : request).expect(200)).body.items as { id: string }[]).map((item) => item.id);
  };

  it('lists a pending comment and a pending reply for their author and moderators only', async () => {
    const article = await createArticle(t.http);
    const [author, stranger] = [await registerReader(t.http), await registerReader(t.http)];
    const root = await postComment(t.http, stranger, article.id);
    const held = await postComment(t.http, author, article.id, { body: `please ${HELD}` });
    const heldReply = await postComment(t.http, author, article.id, { parentId: root.id, body: `me too ${HELD}` });
    expect([held.status, heldReply.status]).toEqual(['pending', 'pending']);

    for (const viewer of [undefined, stranger]) {
      expect(await threadIds(article.id, viewer)).toEqual([[root.id, []]]);
      expect(await replyIds(root.id, viewer)).toEqual([]);
    }
    for (const viewer of [author, moderator]) {
      expect(await threadIds(article.id, viewer)).toEqual([[root.id, [heldReply.id]], [held.id, []]]);
      expect(await replyIds(root.id, viewer)).toEqual([heldReply.id]);
    }
  });

  it('leaves out comments and replies by ignored readers, and keeps an erased reader\'s comments', async () => {
    const article = await createArticle(t.http);
    const [viewer, ignored, erased, other] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
    const root = await postComment(t.http, other, article.id);
    const ignoredReply = await postComment(t.http, ignored, article.id, { parentId: root.id });
    const erasedReply = await postComment(t.http, erased, article.id, { parentId: root.id });
    const ignoredTop = await postComment(t.http, ignored, article.id);
    await t.http.delete('/api/v1/me').set(erased.auth).send({ password: erased.password }).expect(204);
    await ignore(t.http, viewer, ignored);

    expect(await threadIds(article.id, viewer)).toEqual([[root.id, [erasedReply.id]]]);
    expect(await replyIds(root.id, viewer)).toEqual([erasedReply.id]);
    expect(await threadIds(article.id, other)).toEqual([[root.id, [ignoredReply.id, erasedReply.id]], [ignoredTop.id, []]]);
  });
});
