import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Role } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';
import { CommentStatus } from './comment.entity';
import type { HydratedRow, PostAttempt, PostedParent, PostOutcome } from './comments.repository';
import { acceptedComment, assertEditable, assertNotAnswered, assertPostNotRefused, deletionNeeded, EditedComment, isCommentBody } from './posting-rules';

// Contract (API.md, Comments): POST …/comments takes `{body, parentId?}`, the body plain text of 1–5000 characters
// after trimming; 404 unknown article, 409 COMMENTS_CLOSED, 400 parent in another article, 409 PARENT_NOT_REPLYABLE
// when the parent is hidden, pending or deleted, 409 DUPLICATE_COMMENT for the same text within 10 minutes. PATCH is
// the author's, 409 COMMENT_EDIT_WINDOW_CLOSED after 10 minutes or once it has a reply. DELETE is the author's or a
// moderator's and leaves a `deleted` tombstone. What the caller may not see is a 404, what they may not do a 403;
// a write by an account erased meanwhile is a 401.

const ARTICLE = 'article-1';
const posted = new Date('2026-03-01T12:00:00Z');
const minutes = (n: number) => new Date(posted.getTime() + n * 60_000);

function user(role: Role = 'reader', id = 'author'): AuthenticatedUser {
  return { id, role, sessionId: 's', suspendedUntil: null, bannedAt: null };
}

function refusal(run: () => unknown): AppError | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

function parent(overrides: Partial<PostedParent> = {}): PostedParent {
  return { articleId: ARTICLE, authorId: 'someone', status: 'visible', ...overrides };
}

const stored = { id: 'new-comment', articleId: ARTICLE, status: 'visible' } as HydratedRow;

function attempt(overrides: Partial<PostAttempt> = {}): PostAttempt {
  return { duplicate: false, parent: null, comment: stored, authorIsSupporter: false, ...overrides };
}

function comment(overrides: Partial<EditedComment> = {}): EditedComment {
  return { authorId: 'author', status: 'visible', createdAt: posted, ...overrides };
}

describe('posting rules', () => {
  describe('the body', () => {
    it.each([
      ['a single character', 'a', true],
      ['one character inside whitespace', ' \n a \t', true],
      ['5000 characters with surrounding whitespace', `  ${'x'.repeat(5000)}\n`, true],
      ['5000 astral characters (counted as characters, not UTF-16 units)', '\u{1F600}'.repeat(5000), true],
      ['lines and tabs', 'first line\n\tsecond line\r\n', true],
      ['HTML-looking text', '<b>hi</b>', true],
      ['an empty string', '', false],
      ['only whitespace', ' \t\n ', false],
      ['5001 characters', 'x'.repeat(5001), false],
      ['5001 astral characters', '\u{1F600}'.repeat(5001), false],
      ['a NUL character', 'a\u0000', false],
      ['a bell character', 'a\u0007b', false],
      ['an escape sequence', 'a\u001B[31mred', false],
      ['a lone surrogate', 'a\uD800b', false],
      ['a number', 5, false],
      ['null', null, false],
      ['an array of text', ['text'], false],
    ])('%s → %s', (_, value, expected) => {
      expect(isCommentBody(value)).toBe(expected);
    });
  });

  describe('refusals of the posting statement', () => {
    it('answers an unknown article with 404 ARTICLE_NOT_FOUND', () => {
      const error = refusal(() => assertPostNotRefused({ outcome: 'article_not_found' }));
      expect([error?.status, error?.code]).toEqual([404, 'ARTICLE_NOT_FOUND']);
    });

    it('answers an account erased since the token was issued with 401', () => {
      const error = refusal(() => assertPostNotRefused({ outcome: 'author_gone' }));
      expect([error?.status, error?.code]).toEqual([401, 'UNAUTHENTICATED']);
    });

    it('answers a closed article with 409 COMMENTS_CLOSED, saying so', () => {
      const error = refusal(() => assertPostNotRefused({ outcome: 'closed' }));
      expect([error?.status, error?.code]).toEqual([409, 'COMMENTS_CLOSED']);
      expect(error?.detail).toMatch(/closed/);
    });

    it('lets a checked post and a changed settings stamp through (nothing refused yet)', () => {
      const outcomes: PostOutcome[] = [{ outcome: 'attempted', attempt: attempt() }, { outcome: 'context_changed', policyContext: 7 }];
      for (const outcome of outcomes) expect(refusal(() => assertPostNotRefused(outcome))).toBeNull();
    });
  });

  describe('what a checked post means', () => {
    it('accepts a top-level comment that is not a duplicate', () => {
      expect(acceptedComment(attempt(), null, ARTICLE, user())).toBe(stored);
    });

    it('accepts a reply to a visible comment of the same article, at any depth', () => {
      expect(acceptedComment(attempt({ parent: parent() }), 'parent-id', ARTICLE, user())).toBe(stored);
      expect(acceptedComment(attempt({ parent: parent({ authorId: 'author' }) }), 'parent-id', ARTICLE, user())).toBe(stored);
      expect(acceptedComment(attempt({ parent: parent({ authorId: null }) }), 'parent-id', ARTICLE, user())).toBe(stored);
    });

    it('refuses the same text within 10 minutes with 409 DUPLICATE_COMMENT', () => {
      for (const [parentId, found] of [[null, null], ['parent-id', parent()]] as const) {
        const error = refusal(() => acceptedComment(attempt({ duplicate: true, parent: found }), parentId, ARTICLE, user()));
        expect([error?.status, error?.code]).toEqual([409, 'DUPLICATE_COMMENT']);
        expect(error?.detail).toMatch(/10 minutes/);
      }
    });

    it('refuses a parent that does not exist or is in another article with 400 INVALID_PARENT on parentId', () => {
      for (const found of [null, parent({ articleId: 'article-2' })]) {
        const error = refusal(() => acceptedComment(attempt({ parent: found }), 'parent-id', ARTICLE, user()));
        expect([error?.status, error?.code]).toEqual([400, 'INVALID_PARENT']);
        expect(error?.detail).toMatch(/this article/);
        expect(error?.errors).toEqual([{ field: 'parentId', message: expect.stringMatching(/this article/) as string }]);
      }
    });

    it("treats another reader's pending comment as one that does not exist (400, not 409: it is not shown to them)", () => {
      const error = refusal(() => acceptedComment(attempt({ parent: parent({ status: 'pending' }) }), 'parent-id', ARTICLE, user()));
      expect(error?.code).toBe('INVALID_PARENT');
    });

    it('refuses a hidden, deleted or pending parent the author can see with 409 PARENT_NOT_REPLYABLE', () => {
      const cases: [CommentStatus, AuthenticatedUser, string | null][] = [
        ['hidden', user(), 'someone'],
        ['deleted', user(), 'someone'],
        ['hidden', user(), null],
        ['pending', user(), 'author'],
        ['pending', user('moderator', 'mod'), 'someone'],
        ['pending', user('admin', 'adm'), 'someone'],
      ];
      for (const [status, author, parentAuthor] of cases) {
        const error = refusal(() => acceptedComment(attempt({ parent: parent({ status, authorId: parentAuthor }) }), 'parent-id', ARTICLE, author));
        expect([status, error?.status, error?.code]).toEqual([status, 409, 'PARENT_NOT_REPLYABLE']);
        expect(error?.detail).toMatch(new RegExp(status));
      }
    });

    it('judges the parent before the duplicate text', () => {
      const error = refusal(() => acceptedComment(attempt({ duplicate: true, parent: parent({ status: 'deleted' }) }), 'parent-id', ARTICLE, user()));
      expect(error?.code).toBe('PARENT_NOT_REPLYABLE');
      const missing = refusal(() => acceptedComment(attempt({ duplicate: true, parent: null }), 'parent-id', ARTICLE, user()));
      expect(missing?.code).toBe('INVALID_PARENT');
    });

    it('ignores a parent row for a top-level comment', () => {
      expect(acceptedComment(attempt({ parent: parent({ status: 'hidden', articleId: 'article-2' }) }), null, ARTICLE, user())).toBe(stored);
    });
  });

  describe('editing', () => {
    it('lets the author edit for 10 minutes, to the millisecond', () => {
      for (const at of [posted, minutes(5), minutes(10)]) expect(refusal(() => assertEditable(comment(), user(), at))).toBeNull();
    });

    it('closes the window after 10 minutes with 409 COMMENT_EDIT_WINDOW_CLOSED', () => {
      for (const at of [new Date(minutes(10).getTime() + 1), minutes(11), minutes(60 * 24)]) {
        const error = refusal(() => assertEditable(comment(), user(), at));
        expect([error?.status, error?.code]).toEqual([409, 'COMMENT_EDIT_WINDOW_CLOSED']);
        expect(error?.detail).toMatch(/10 minutes/);
      }
    });

    it('measures the window from now when no time is given', () => {
      expect(refusal(() => assertEditable(comment({ createdAt: new Date(Date.now() - 9 * 60_000) }), user()))).toBeNull();
      expect(refusal(() => assertEditable(comment({ createdAt: new Date(Date.now() - 11 * 60_000) }), user()))?.code).toBe('COMMENT_EDIT_WINDOW_CLOSED');
    });

    it('lets the author edit their pending comment', () => {
      expect(refusal(() => assertEditable(comment({ status: 'pending' }), user(), minutes(1)))).toBeNull();
    });

    it('refuses a hidden or deleted comment with 409 COMMENT_NOT_EDITABLE, inside the window too', () => {
      for (const status of ['hidden', 'deleted'] as const) {
        const error = refusal(() => assertEditable(comment({ status }), user(), minutes(1)));
        expect([error?.status, error?.code]).toEqual([409, 'COMMENT_NOT_EDITABLE']);
        expect(error?.detail).toMatch(/hidden or deleted/);
      }
    });

    it("refuses another reader's comment with 403, moderators included, and hides another's pending one (404)", () => {
      for (const editor of [user('reader', 'other'), user('moderator', 'mod'), user('admin', 'adm')]) {
        expect(refusal(() => assertEditable(comment(), editor, minutes(1)))?.code).toBe('FORBIDDEN');
      }
      expect(refusal(() => assertEditable(comment({ status: 'pending' }), user('reader', 'other'), minutes(1)))?.code).toBe('COMMENT_NOT_FOUND');
      expect(refusal(() => assertEditable(comment({ authorId: null }), user(), minutes(1)))?.code).toBe('FORBIDDEN');
    });

    it('refuses a comment that has been answered with 409 COMMENT_EDIT_WINDOW_CLOSED', () => {
      expect(refusal(() => assertNotAnswered(false))).toBeNull();
      const error = refusal(() => assertNotAnswered(true));
      expect([error?.status, error?.code]).toEqual([409, 'COMMENT_EDIT_WINDOW_CLOSED']);
      expect(error?.detail).toMatch(/answered/);
    });
  });

  describe('deleting', () => {
    it('lets the author delete their comment, whatever its status but deleted', () => {
      for (const status of ['visible', 'pending', 'hidden'] as const) expect(deletionNeeded(comment({ status }), user())).toBe(true);
    });

    it("lets a moderator or an admin delete another reader's comment", () => {
      for (const actor of [user('moderator', 'mod'), user('admin', 'adm')]) {
        expect(deletionNeeded(comment(), actor)).toBe(true);
        expect(deletionNeeded(comment({ status: 'pending' }), actor)).toBe(true);
      }
    });

    it('changes nothing when the comment is already deleted (a second DELETE is a no-op)', () => {
      expect(deletionNeeded(comment({ status: 'deleted' }), user())).toBe(false);
      expect(deletionNeeded(comment({ status: 'deleted' }), user('moderator', 'mod'))).toBe(false);
    });

    it("refuses another reader's comment with 403 and hides another's pending one (404)", () => {
      expect(refusal(() => deletionNeeded(comment(), user('reader', 'other')))?.status).toBe(403);
      expect(refusal(() => deletionNeeded(comment({ status: 'pending' }), user('reader', 'other')))?.status).toBe(404);
    });
  });
});
