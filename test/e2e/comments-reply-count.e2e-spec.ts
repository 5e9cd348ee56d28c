import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createArticle } from '../factories/articles.factory';
import { postComment, PostedComment } from '../factories/comments.factory';
import { ignore } from '../factories/follows.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { TestApp } from '../support/test-app';
import { countedStatements } from '../support/statement-count';

/** A banned word: a comment that carries it is created as pending. */
const PREMODERATED_WORD = 'premoderateme';
const PREMODERATED = `[${PREMODERATED_WORD}]`;

interface Shown {
  id: string;
  replyCount: number;
  replies?: Shown[];
}

/** Issue 10 item 9: `replyCount` counts the descendants the viewer would see. */
describe('replyCount as the viewer sees it (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The real moderation rule holds a comment with a banned word as pending; the word list is site-wide, so the
    // app runs on a database of its own.
    t = await createIsolatedTestApp();
    const admin = await registerStaff(t.http, t.db, 'admin');
    await t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ bannedWords: [PREMODERATED_WORD], premoderateNewReaders: false }).expect(200);
  });
  afterAll(() => t.close());

  const as = (path: string, viewer?: RegisteredReader) => {
    const request = t.http.get(path);
    return viewer ? request.set(viewer.auth) : request;
  };
  const threadPage = async (articleId: string, viewer?: RegisteredReader, query: Record<string, string | number> = {}): Promise<Shown[]> =>
    (await as(`/api/v1/articles/${articleId}/comments`, viewer).query(query).expect(200)).body.items;
  const single = async (id: string, viewer?: RegisteredReader): Promise<Shown> => (await as(`/api/v1/comments/${id}`, viewer).expect(200)).body;
  const repliesPage = async (id: string, viewer?: RegisteredReader): Promise<Shown[]> =>
    (await as(`/api/v1/comments/${id}/replies`, viewer).expect(200)).body.items;
  const countsById = (items: Shown[]) => Object.fromEntries(items.map((item) => [item.id, item.replyCount]));

  describe('a viewer who ignores an author', () => {
    let article: string;
    let viewer: RegisteredReader;
    let bystander: RegisteredReader;
    let top: PostedComment;
    let byA: PostedComment;
    let byB: PostedComment;
    let nestedByB: PostedComment;
    let underB: PostedComment;

    // top ← byA ← nestedByB (B answers A, one level deeper); top ← byB ← underB (A answers B).
    beforeAll(async () => {
      article = (await createArticle(t.http)).id;
      const [a, b, c] = [await registerReader(t.http), await registerReader(t.http), await registerReader(t.http)];
      [viewer, bystander] = [await registerReader(t.http), await registerReader(t.http)];
      top = await postComment(t.http, c, article);
      byA = await postComment(t.http, a, article, { parentId: top.id });
      byB = await postComment(t.http, b, article, { parentId: top.id });
      nestedByB = await postComment(t.http, b, article, { parentId: byA.id });
      underB = await postComment(t.http, a, article, { parentId: byB.id });
      await ignore(t.http, viewer, b);
    });

    it('counts only the replies of authors they do not ignore on the thread page, nested ones too', async () => {
      const item = (await threadPage(article, viewer)).find((shown) => shown.id === top.id) as Shown;
      expect(item.replies?.map((reply) => reply.id)).toEqual([byA.id, underB.id]);
      expect(item.replyCount).toBe(2);
      expect(countsById(item.replies ?? [])).toEqual({ [byA.id]: 0, [underB.id]: 0 });
    });

    it('counts the same on GET /comments/:id', async () => {
      expect((await single(top.id, viewer)).replyCount).toBe(2);
      expect((await single(byA.id, viewer)).replyCount).toBe(0);
    });

    it('counts the same on the replies page', async () => {
      expect(countsById(await repliesPage(top.id, viewer))).toEqual({ [byA.id]: 0, [underB.id]: 0 });
    });

    it('counts the same on a later thread page (read fresh, past the cached first page)', async () => {
      const other = await registerReader(t.http);
      const newer = await postComment(t.http, other, article);
      const first = (await as(`/api/v1/articles/${article}/comments`, viewer).query({ limit: 1 }).expect(200)).body;
      expect(first.items.map((item: Shown) => item.id)).toEqual([newer.id]);
      const second = await threadPage(article, viewer, { limit: 1, cursor: first.nextCursor });
      expect(second.map((item) => [item.id, item.replyCount])).toEqual([[top.id, 2]]);
    });

    it('leaves the full count to anonymous readers and readers who ignore no one', async () => {
      for (const reader of [undefined, bystander]) {
        const item = (await threadPage(article, reader)).find((shown) => shown.id === top.id) as Shown;
        expect(item.replyCount).toBe(4);
        expect(countsById(item.replies ?? [])).toEqual({ [byA.id]: 1, [byB.id]: 1, [nestedByB.id]: 0 });
        expect((await single(top.id, reader)).replyCount).toBe(4);
        expect(countsById(await repliesPage(top.id, reader))).toEqual({ [byA.id]: 1, [byB.id]: 1, [nestedByB.id]: 0, [underB.id]: 0 });
      }
    });

    it('reads the thread in a fixed number of statements whatever the page holds', async () => {
      const statementsFor = async (limit: number) => {
        const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
        try {
          await as(`/api/v1/articles/${article}/comments`, viewer).query({ limit }).expect(200);
          return countedStatements(spy.mock.calls);
        } finally {
          spy.mockRestore();
        }
      };
      expect(await statementsFor(1)).toBe(await statementsFor(20));
    });
  });

  describe('pending replies', () => {
    let article: string;
    let author: RegisteredReader;
    let stranger: RegisteredReader;
    let moderator: RegisteredReader;
    let top: PostedComment;
    let visibleReply: PostedComment;

    // top ← visibleReply ← (pending by author); top ← (pending by author).
    beforeAll(async () => {
      article = (await createArticle(t.http)).id;
      [author, stranger, moderator] = [await registerReader(t.http), await registerReader(t.http), await registerStaff(t.http, t.db, 'moderator')];
      top = await postComment(t.http, stranger, article);
      visibleReply = await postComment(t.http, stranger, article, { parentId: top.id });
      await postComment(t.http, author, article, { parentId: visibleReply.id, body: `nested ${PREMODERATED}` });
      await postComment(t.http, author, article, { parentId: top.id, body: `direct ${PREMODERATED}` });
    });

    it('do not count for anonymous readers or other readers (the stored counter leaves them out)', async () => {
      for (const reader of [undefined, stranger]) {
        const [item] = await threadPage(article, reader);
        expect(item.replyCount).toBe(1);
        expect((await single(top.id, reader)).replyCount).toBe(1);
        expect(countsById(await repliesPage(top.id, reader))).toEqual({ [visibleReply.id]: 0 });
      }
    });

    it('count for their author, at every level above them', async () => {
      const [item] = await threadPage(article, author);
      expect(item.replyCount).toBe(3);
      expect(item.replies?.find((reply) => reply.id === visibleReply.id)?.replyCount).toBe(1);
      expect((await single(top.id, author)).replyCount).toBe(3);
      expect((await single(visibleReply.id, author)).replyCount).toBe(1);
      expect(countsById(await repliesPage(top.id, author))[visibleReply.id]).toBe(1);
    });

    it('count for moderators, who see them', async () => {
      const [item] = await threadPage(article, moderator);
      expect(item.replyCount).toBe(3);
      expect((await single(top.id, moderator)).replyCount).toBe(3);
    });
  });
});
