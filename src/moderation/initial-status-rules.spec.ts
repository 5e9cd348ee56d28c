import { AppError } from '../common/errors/app-error';
import { BannedWordsMatcher, foldText } from './banned-words.matcher';
import { APPROVED_COMMENTS_BEFORE_TRUST, heldByExternal, heldByLocalRules, HeldBy, initialStatusOf } from './initial-status-rules';

// Contract (API.md, moderation settings): "a comment with a banned word, with a link while `premoderateLinks` is on,
// or by a reader with fewer than 3 approved comments while `premoderateNewReaders` is on, is created as `pending`;
// a comment with a suspect word is published and enters the `reported` queue with a system report (`reason:
// "other"`, no reporter)". External moderation: "`rejected` is a 422 `COMMENT_REJECTED` to the author with the
// reason; no answer … leaves the comment to the local rules".

const banned = BannedWordsMatcher.compile(['idiot', 'shut up']);

function local(body: string, premoderateLinks: boolean): HeldBy {
  return heldByLocalRules(foldText(body), { banned, premoderateLinks });
}

function count(value: number): { approvedComments: () => Promise<number>; asked: () => number } {
  let asked = 0;
  return {
    approvedComments: () => {
      asked += 1;
      return Promise.resolve(value);
    },
    asked: () => asked,
  };
}

describe('initial status rules', () => {
  describe('local rules', () => {
    it('holds a comment with a banned word or phrase', () => {
      expect(local('What an IDIOT', false)).toBe('banned_word');
      expect(local('please shut   up', true)).toBe('banned_word');
    });

    it('holds a comment with a link only while premoderateLinks is on', () => {
      expect(local('see https://example.org/page', true)).toBe('link');
      expect(local('see https://example.org/page', false)).toBeNull();
    });

    it('names the banned word before the link when both are there', () => {
      expect(local('idiot, see www.example.org', true)).toBe('banned_word');
    });

    it('holds nothing in a clean comment', () => {
      expect(local('A thoughtful remark about the article.', true)).toBeNull();
      expect(heldByLocalRules(foldText('idiot'), { banned: BannedWordsMatcher.compile([]), premoderateLinks: true })).toBeNull();
    });
  });

  describe('external decision', () => {
    it('refuses a rejected comment with 422 COMMENT_REJECTED and the hook’s reason', () => {
      const error = (() => {
        try {
          heldByExternal({ decision: 'rejected', reason: 'Off topic' });
          return null;
        } catch (caught) {
          return caught as AppError;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect(error?.code).toBe('COMMENT_REJECTED');
      expect(error?.status).toBe(422);
      expect(error?.detail).toBe('Off topic');
    });

    it('gives a reason when the hook gave none', () => {
      expect(() => heldByExternal({ decision: 'rejected', reason: null })).toThrow('The comment was rejected by moderation');
    });

    it('holds on pending, and leaves visible or no answer to the local rules', () => {
      expect(heldByExternal({ decision: 'pending' })).toBe('external');
      expect(heldByExternal({ decision: 'visible' })).toBeNull();
      expect(heldByExternal(null)).toBeNull();
    });
  });

  describe('initial status', () => {
    it('trusts a reader after 3 approved comments', () => {
      expect(APPROVED_COMMENTS_BEFORE_TRUST).toBe(3);
    });

    it.each(['banned_word', 'link', 'external'] as const)('creates a comment held by %s as pending, with no system report', async (heldBy) => {
      const approved = count(100);
      await expect(initialStatusOf({ heldBy, suspectWord: 'meh', premoderateNewReaders: true, ...approved })).resolves.toEqual({
        status: 'pending',
        systemReport: null,
      });
      expect(approved.asked()).toBe(0);
    });

    it('holds a reader with fewer than 3 approved comments while premoderateNewReaders is on', async () => {
      for (const approved of [0, 1, 2]) {
        await expect(initialStatusOf({ heldBy: null, suspectWord: null, premoderateNewReaders: true, ...count(approved) })).resolves.toEqual({
          status: 'pending',
          systemReport: null,
        });
      }
    });

    it('publishes a reader with 3 or more approved comments', async () => {
      for (const approved of [3, 4, 50]) {
        await expect(initialStatusOf({ heldBy: null, suspectWord: null, premoderateNewReaders: true, ...count(approved) })).resolves.toEqual({
          status: 'visible',
          systemReport: null,
        });
      }
    });

    it('publishes a new reader while premoderateNewReaders is off, without looking up their count', async () => {
      const approved = count(0);
      await expect(initialStatusOf({ heldBy: null, suspectWord: null, premoderateNewReaders: false, ...approved })).resolves.toEqual({
        status: 'visible',
        systemReport: null,
      });
      expect(approved.asked()).toBe(0);
    });

    it('publishes a comment with a suspect word and files a system report (reason other)', async () => {
      await expect(initialStatusOf({ heldBy: null, suspectWord: 'meh', premoderateNewReaders: false, ...count(0) })).resolves.toEqual({
        status: 'visible',
        systemReport: { reason: 'other', note: 'Suspect word: meh' },
      });
    });

    it('files no system report for a suspect word when the comment is held for premoderation', async () => {
      await expect(initialStatusOf({ heldBy: null, suspectWord: 'meh', premoderateNewReaders: true, ...count(0) })).resolves.toEqual({
        status: 'pending',
        systemReport: null,
      });
    });

    it('keeps the system report note within 1000 characters', async () => {
      const result = await initialStatusOf({ heldBy: null, suspectWord: 'x'.repeat(2000), premoderateNewReaders: false, ...count(0) });
      expect(result.systemReport?.note).toHaveLength(1000);
      expect(result.systemReport?.note.startsWith('Suspect word: xxx')).toBe(true);
    });
  });
});
