import { AppError } from '../common/errors/app-error';
import { InitialStatus } from '../common/hooks/comment-policy';
import { BannedWordsMatcher, containsLink, FoldedText } from './banned-words.matcher';
import type { ExternalDecision } from './external-moderation.client';

/** A reader needs this many approved (visible) comments before premoderation stops holding theirs. */
export const APPROVED_COMMENTS_BEFORE_TRUST = 3;

/** Why a new comment waits for a moderator, if it does. */
export type HeldBy = 'banned_word' | 'link' | 'external' | null;

/**
 * The decisions of how a new comment starts (API.md, moderation settings and external moderation), apart from the
 * settings cache, the hook's HTTP call and the posting transaction (`ModerationSettingsService` calls these):
 * a banned word, or a link while `premoderateLinks` is on, holds the comment before the external hook is asked.
 */
export function heldByLocalRules(folded: FoldedText, rules: { banned: BannedWordsMatcher; premoderateLinks: boolean }): HeldBy {
  if (rules.banned.findInFolded(folded) !== null) return 'banned_word';
  if (rules.premoderateLinks && containsLink(folded)) return 'link';
  return null;
}

/** The hook's answer: `rejected` is 422 COMMENT_REJECTED with its reason, `pending` holds, anything else (or none) leaves it to the local rules. */
export function heldByExternal(decision: ExternalDecision | null): HeldBy {
  if (decision?.decision === 'rejected') {
    throw new AppError('COMMENT_REJECTED', decision.reason ?? 'The comment was rejected by moderation');
  }
  return decision?.decision === 'pending' ? 'external' : null;
}

/**
 * The initial status of a reader's comment: held → pending; else, while `premoderateNewReaders` is on, a reader
 * with fewer than 3 approved comments → pending (their count is only looked up then); else visible. A visible
 * comment with a suspect word gets a system report (`reason: "other"`), a pending one is in a queue already.
 */
export async function initialStatusOf(screening: {
  heldBy: HeldBy;
  suspectWord: string | null;
  premoderateNewReaders: boolean;
  approvedComments: () => Promise<number>;
}): Promise<InitialStatus> {
  let status: 'visible' | 'pending' = screening.heldBy ? 'pending' : 'visible';
  if (status === 'visible' && screening.premoderateNewReaders) {
    if ((await screening.approvedComments()) < APPROVED_COMMENTS_BEFORE_TRUST) status = 'pending';
  }
  const systemReport =
    status === 'visible' && screening.suspectWord !== null
      ? { reason: 'other' as const, note: `Suspect word: ${screening.suspectWord}`.slice(0, 1000) }
      : null;
  return { status, systemReport };
}
