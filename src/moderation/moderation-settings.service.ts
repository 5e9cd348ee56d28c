import { UnitOfWork } from '../database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { isStaff } from '../common/auth/role';
import { InitialStatusRule, NewCommentFacts, PostingContext } from '../common/hooks/comment-policy';
import { UsersService } from '../users/users.service';
import { AuditLogService } from './audit-log.service';
import { BannedWordsMatcher, foldForMatching } from './banned-words.matcher';
import { ModerationSettingsDto, ModerationSettingsView } from './dto/moderation-settings.dto';
import { ModerationSettings } from './moderation-settings.entity';
import { ModerationSettingsRepository, toSettingsStamp } from './moderation-settings.repository';

/** A reader needs this many approved (visible) comments before premoderation stops holding theirs. */
export const APPROVED_COMMENTS_BEFORE_TRUST = 3;

interface CompiledSettings {
  version: number;
  matcher: BannedWordsMatcher;
}

/**
 * Banned words and premoderation, and the rule that decides whether a new
 * comment starts `pending`. The matcher is compiled once per settings version
 * and cached; each new comment reads only the version and the flag (in the
 * posting transaction's first statement), so every app instance picks up a
 * change on its next comment.
 */
@Injectable()
export class ModerationSettingsService implements InitialStatusRule {
  private compiled: Promise<CompiledSettings> | null = null;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly settings: ModerationSettingsRepository,
    private readonly audit: AuditLogService,
    private readonly users: UsersService,
  ) {}

  async get(): Promise<ModerationSettingsView> {
    return toSettingsView(await this.settings.find());
  }

  async update(actorId: string, input: ModerationSettingsDto): Promise<ModerationSettingsView> {
    const bannedWords = withoutDuplicates(input.bannedWords);
    return this.unitOfWork.run(async () => {
      const current = await this.settings.findForUpdate();
      const unchanged =
        current.premoderateNewReaders === input.premoderateNewReaders && sameList(current.bannedWords, bannedWords);
      if (unchanged) return toSettingsView(current);
      const updated = await this.settings.replace({ bannedWords, premoderateNewReaders: input.premoderateNewReaders });
      await this.audit.record({
        actorId,
        action: 'settings.update',
        targetType: 'settings',
        targetId: 'moderation',
        metadata: {
          premoderateNewReaders: input.premoderateNewReaders,
          bannedWordsAdded: bannedWords.filter((word) => !current.bannedWords.includes(word)).length,
          bannedWordsRemoved: current.bannedWords.filter((word) => !bannedWords.includes(word)).length,
          bannedWordCount: bannedWords.length,
        },
      });
      return toSettingsView(updated);
    });
  }

  /** Staff post straight away; a banned word, or a new reader under premoderation, waits for a moderator. */
  async initialStatus(facts: NewCommentFacts, posting: PostingContext): Promise<'visible' | 'pending'> {
    if (isStaff(facts.authorRole)) return 'visible';
    const stamp = toSettingsStamp(posting.context);
    const { matcher } = await this.compiledFor(stamp.version);
    if (matcher.matches(facts.body)) return 'pending';
    if (stamp.premoderateNewReaders) {
      const author = await this.users.findActive(facts.authorId);
      if (author.commentCount < APPROVED_COMMENTS_BEFORE_TRUST) return 'pending';
    }
    return 'visible';
  }

  private async compiledFor(version: number): Promise<CompiledSettings> {
    const cached = this.compiled ? await this.compiled : null;
    if (cached && cached.version >= version) return cached;
    const loading = this.settings.find().then((row) => ({ version: row.version, matcher: BannedWordsMatcher.compile(row.bannedWords) }));
    this.compiled = loading;
    try {
      return await loading;
    } catch (error) {
      this.compiled = null;
      throw error;
    }
  }
}

/** Keeps the first spelling of each entry; later ones equal after case folding are dropped. */
function withoutDuplicates(words: string[]): string[] {
  const seen = new Set<string>();
  return words.filter((word) => {
    const key = foldForMatching(word);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index]);
}

function toSettingsView(settings: ModerationSettings): ModerationSettingsView {
  return {
    bannedWords: settings.bannedWords,
    premoderateNewReaders: settings.premoderateNewReaders,
    updatedAt: settings.updatedAt.toISOString(),
  };
}
