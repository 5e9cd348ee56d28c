import { CommentStatus } from '../comments/comment.entity';
import { AppError } from '../common/errors/app-error';
import {
  approvalOf,
  assertModeratable,
  featureChanges,
  hideChanges,
  ModeratedComment,
  unfeatureChanges,
  unhideChanges,
} from './moderation-transitions';

// Contract (API.md, moderation endpoints): hide → status `hidden`; unhide → `visible`; approve: pending → visible and
// clears open reports; feature / unfeature. Errors: COMMENT_DELETED and COMMENT_STATUS_CONFLICT (409), and an action
// already in effect is a 200 no-op.

function comment(status: CommentStatus, featured = false): ModeratedComment {
  return { status, featured };
}

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof AppError) return `${error.status} ${error.code}`;
    throw error;
  }
}

describe('moderation transitions', () => {
  it('refuses every action on a deleted comment with 409 COMMENT_DELETED', () => {
    expect(codeOf(() => assertModeratable(comment('deleted')))).toBe('409 COMMENT_DELETED');
    for (const status of ['visible', 'pending', 'hidden'] as const) expect(codeOf(() => assertModeratable(comment(status)))).toBeNull();
  });

  it('hides a visible or pending comment; hiding a hidden one is a no-op', () => {
    expect(hideChanges(comment('visible'))).toBe(true);
    expect(hideChanges(comment('pending'))).toBe(true);
    expect(hideChanges(comment('hidden'))).toBe(false);
  });

  it('unhides a hidden comment; a visible one is a no-op; a pending one is a 409 (approve it instead)', () => {
    expect(unhideChanges(comment('hidden'))).toBe(true);
    expect(unhideChanges(comment('visible'))).toBe(false);
    expect(codeOf(() => unhideChanges(comment('pending')))).toBe('409 COMMENT_STATUS_CONFLICT');
    expect(() => unhideChanges(comment('pending'))).toThrow(/approve/);
  });

  it('approves pending → visible; on a visible comment approval dismisses reports; a hidden one is a 409', () => {
    expect(approvalOf(comment('pending'))).toBe('publish');
    expect(approvalOf(comment('visible'))).toBe('dismiss reports');
    expect(codeOf(() => approvalOf(comment('hidden')))).toBe('409 COMMENT_STATUS_CONFLICT');
    expect(() => approvalOf(comment('hidden'))).toThrow(/unhide/);
  });

  it('features only a visible comment; featuring a featured one is a no-op', () => {
    expect(featureChanges(comment('visible'))).toBe(true);
    expect(featureChanges(comment('visible', true))).toBe(false);
    expect(codeOf(() => featureChanges(comment('pending')))).toBe('409 COMMENT_STATUS_CONFLICT');
    expect(codeOf(() => featureChanges(comment('hidden')))).toBe('409 COMMENT_STATUS_CONFLICT');
    expect(() => featureChanges(comment('hidden'))).toThrow(/Only a visible comment/);
  });

  it('unfeatures a featured comment; unfeaturing one that is not featured is a no-op', () => {
    expect(unfeatureChanges(comment('visible', true))).toBe(true);
    expect(unfeatureChanges(comment('hidden', true))).toBe(true);
    expect(unfeatureChanges(comment('visible'))).toBe(false);
  });
});
