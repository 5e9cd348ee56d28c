import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Role } from '../common/auth/role';
import { assertCanDelete, assertCanEdit, assertCanSee, canSee, canSeeBody } from './comment-access';
import { CommentStatus } from './comment.entity';

const user = (id: string, role: Role = 'reader'): AuthenticatedUser => ({ id, role, sessionId: 's', suspendedUntil: null, bannedAt: null });
const comment = (status: CommentStatus, authorId: string | null = 'author') => ({ status, authorId });

describe('comment access rules', () => {
  const author = user('author');
  const stranger = user('stranger');
  const moderator = user('mod', 'moderator');
  const admin = user('admin', 'admin');

  it.each([
    ['visible', [true, true, true, true]],
    ['hidden', [true, true, true, true]],
    ['deleted', [true, true, true, true]],
    ['pending', [false, false, true, true]],
  ] as const)('who sees a %s comment: anonymous, stranger, author, moderator', (status, expected) => {
    expect([undefined, stranger, author, moderator].map((viewer) => canSee(comment(status), viewer))).toEqual(expected);
  });

  it.each([
    ['visible', [true, true, true, true]],
    ['hidden', [false, false, true, true]],
    ['deleted', [false, false, true, true]],
    ['pending', [false, false, true, true]],
  ] as const)('who sees the body of a %s comment: anonymous, stranger, author, moderator', (status, expected) => {
    expect([undefined, stranger, author, admin].map((viewer) => canSeeBody(comment(status), viewer))).toEqual(expected);
  });

  it('never treats an erased (authorless) comment as anyone\'s own', () => {
    expect(canSeeBody(comment('deleted', null), user('x'))).toBe(false);
    expect(canSee(comment('pending', null), user('x'))).toBe(false);
  });

  it('answers 404 when the comment cannot be seen and 403 when it cannot be changed', () => {
    expect(() => assertCanSee(null, author)).toThrow(expect.objectContaining({ code: 'COMMENT_NOT_FOUND' }));
    expect(() => assertCanEdit(comment('pending'), stranger)).toThrow(expect.objectContaining({ code: 'COMMENT_NOT_FOUND' }));
    expect(() => assertCanEdit(comment('visible'), stranger)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertCanEdit(comment('visible'), moderator)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertCanEdit(comment('visible'), author)).not.toThrow();
    expect(() => assertCanDelete(comment('visible'), stranger)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertCanDelete(comment('visible'), moderator)).not.toThrow();
    expect(() => assertCanDelete(comment('pending'), author)).not.toThrow();
  });
});
