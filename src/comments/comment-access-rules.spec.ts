import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AppError } from '../common/errors/app-error';
import { assertCanDelete, assertCanEdit, assertCanSee } from './comment-access';

// A refused comment answers problem+json whose `detail` tells the client why, in words
// of its own: not a bare code, and different for "cannot see" and "cannot change".
const reader = (id: string): AuthenticatedUser => ({ id, role: 'reader', sessionId: 's', suspendedUntil: null, bannedAt: null });

function refusal(attempt: () => unknown): AppError {
  try {
    attempt();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('the attempt was allowed');
}

describe('comment access refusals', () => {
  it('say in the detail why the comment was refused', () => {
    const unseen = refusal(() => assertCanSee({ authorId: 'a', status: 'pending' }, reader('b')));
    const notEditable = refusal(() => assertCanEdit({ authorId: 'a', status: 'visible' }, reader('b')));
    const notDeletable = refusal(() => assertCanDelete({ authorId: 'a', status: 'visible' }, reader('b')));
    expect([unseen.code, notEditable.code, notDeletable.code]).toEqual(['COMMENT_NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN']);
    for (const error of [unseen, notEditable, notDeletable]) expect(error.detail).toMatch(/\w+ \w+/);
    expect(notEditable.detail).toMatch(/edit/);
    expect(notDeletable.detail).toMatch(/delete/);
  });

  it('treat an erased comment (no author) as nobody\'s, whatever the viewer', () => {
    expect(() => assertCanEdit({ authorId: null, status: 'visible' }, reader('a'))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertCanDelete({ authorId: null, status: 'visible' }, reader('a'))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});
