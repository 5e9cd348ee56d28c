import { UnitOfWork } from '../database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { ArticlesService } from '../articles/articles.service';
import { isStaff } from '../common/auth/role';
import {
  InitialStatus,
  InitialStatusRule,
  NewCommentFacts,
  PostingContext,
  Screening,
  ScreeningOutdated,
} from '../common/hooks/comment-policy';
import { UsersService } from '../users/users.service';
import { AuditLogService } from './audit-log.service';
import { BannedWordsMatcher, foldForMatching, foldText } from './banned-words.matcher';
import { DEFAULT_EXTERNAL_TIMEOUT_MS, ModerationSettingsDto, ModerationSettingsView } from './dto/moderation-settings.dto';
import { ExternalModerationClient, ExternalModerationConfig, originOf } from './external-moderation.client';
import { heldByExternal, HeldBy, heldByLocalRules, initialStatusOf } from './initial-status-rules';
import { ModerationSettings } from './moderation-settings.entity';
import { ModerationSettingsRepository, StoredSettings, toSettingsStamp } from './moderation-settings.repository';

/** One settings version, compiled: both word lists' matchers, the link rule and the hook. */
interface CompiledSettings {
  version: number;
  banned: BannedWordsMatcher;
  suspect: BannedWordsMatcher;
  premoderateLinks: boolean;
  external: ExternalModerationConfig | null;
}

/** What `screen` found, for `initialStatus` to apply in the posting transaction. */
interface RuleScreening extends Screening {
  /** Staff post straight away: nothing was checked. */
  staff: boolean;
  /** Why the comment waits for a moderator, if it does (a banned word, a link, the external hook). */
  heldBy: HeldBy;
  /** The suspect word found, if any. */
  suspectWord: string | null;
}

/**
 * The moderation settings and the rules that decide how a new comment starts. Everything is compiled once per
 * settings version and cached (one matcher per word list, whatever its length). Before the posting transaction,
 * `screen` applies the banned words, the link rule, the suspect words and then the external hook — so no lock is
 * held while the hook is waited on; inside it, `initialStatus` checks that the settings have not changed since (the
 * posting statement reads their version, so every instance follows a change on its next comment) and applies the
 * premoderation of new readers.
 */
@Injectable()
export class ModerationSettingsService implements InitialStatusRule {
  private compiled: Promise<CompiledSettings> | null = null;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly settings: ModerationSettingsRepository,
    private readonly audit: AuditLogService,
    private readonly users: UsersService,
    private readonly articles: ArticlesService,
    private readonly external: ExternalModerationClient,
  ) {}

  async get(): Promise<ModerationSettingsView> {
    return toSettingsView(await this.settings.find());
  }

  /** Replaces the settings; fields left out keep their stored value. */
  async update(actorId: string, input: ModerationSettingsDto): Promise<ModerationSettingsView> {
    return this.unitOfWork.run(async () => {
      const current = await this.settings.findForUpdate();
      const stored = storedOf(current);
      const next: StoredSettings = {
        bannedWords: withoutDuplicates(input.bannedWords),
        premoderateNewReaders: input.premoderateNewReaders,
        suspectWords: input.suspectWords === undefined ? stored.suspectWords : withoutDuplicates(input.suspectWords),
        premoderateLinks: input.premoderateLinks ?? stored.premoderateLinks,
        closeAfterDays: input.closeAfterDays === undefined ? stored.closeAfterDays : input.closeAfterDays,
        externalModeration:
          input.externalModeration === undefined
            ? stored.externalModeration
            : input.externalModeration === null
              ? null
              : {
                  url: input.externalModeration.url,
                  secret: input.externalModeration.secret,
                  timeoutMs: input.externalModeration.timeoutMs ?? DEFAULT_EXTERNAL_TIMEOUT_MS,
                },
      };
      if (sameSettings(stored, next)) return toSettingsView(current);
      const updated = await this.settings.replace(next);
      if (next.closeAfterDays !== stored.closeAfterDays) await this.articles.closeAfterDaysChanged();
      await this.audit.record({
        actorId,
        action: 'settings.update',
        targetType: 'settings',
        targetId: 'moderation',
        metadata: {
          premoderateNewReaders: next.premoderateNewReaders,
          bannedWordsAdded: next.bannedWords.filter((word) => !stored.bannedWords.includes(word)).length,
          bannedWordsRemoved: stored.bannedWords.filter((word) => !next.bannedWords.includes(word)).length,
          bannedWordCount: next.bannedWords.length,
          ...(sameList(stored.suspectWords, next.suspectWords) ? {} : { suspectWordCount: next.suspectWords.length }),
          ...(stored.premoderateLinks === next.premoderateLinks ? {} : { premoderateLinks: next.premoderateLinks }),
          ...(stored.closeAfterDays === next.closeAfterDays ? {} : { closeAfterDays: next.closeAfterDays }),
          // Where the hook points and its timeout, never its secret (nor a URL's path, which may carry a token).
          ...(sameExternal(stored.externalModeration, next.externalModeration)
            ? {}
            : {
                externalModeration: next.externalModeration
                  ? { origin: originOf(next.externalModeration.url), timeoutMs: next.externalModeration.timeoutMs }
                  : null,
              }),
        },
      });
      return toSettingsView(updated);
    });
  }

  async screen(facts: NewCommentFacts, atLeastVersion = 0): Promise<RuleScreening> {
    if (isStaff(facts.authorRole)) return { version: 0, staff: true, heldBy: null, suspectWord: null };
    const compiled = await this.compiledFor(atLeastVersion);
    const folded = foldText(facts.body);
    const suspectWord = compiled.suspect.findInFolded(folded);
    const screening: RuleScreening = { version: compiled.version, staff: false, heldBy: null, suspectWord };
    const heldLocally = heldByLocalRules(folded, compiled);
    if (heldLocally) return { ...screening, heldBy: heldLocally };
    if (!compiled.external) return screening;
    // The cached hook may be out of date (another instance changed it): check before calling it, or acting on a refusal.
    const [current, article, author] = await Promise.all([
      this.settings.currentVersion(),
      this.articles.findOrFail(facts.articleId).catch(() => null),
      this.users.findActive(facts.authorId).catch(() => null),
    ]);
    if (current > compiled.version) return this.screen(facts, current);
    // An unknown or closed article is not sent (the posting transaction refuses it with 404 or 409).
    if (!article || !article.commentsOpen || !author) return screening;
    const decision = await this.external.review(compiled.external, {
      comment: { body: facts.body, parentId: facts.parentId },
      author: { id: author.id, displayName: author.displayName ?? '', createdAt: author.createdAt.toISOString() },
      article: { id: article.id, url: article.url },
    });
    const heldByHook = heldByExternal(decision);
    return heldByHook ? { ...screening, heldBy: heldByHook } : screening;
  }

  /** Staff post straight away; a banned word, a link, the hook's "pending", or a new reader under premoderation wait for a moderator. */
  async initialStatus(facts: NewCommentFacts, posting: PostingContext, screened: Screening): Promise<InitialStatus> {
    const screening = screened as RuleScreening;
    if (isStaff(facts.authorRole)) return { status: 'visible', systemReport: null };
    const stamp = toSettingsStamp(posting.context);
    if (screening.staff || stamp.version !== screening.version) throw new ScreeningOutdated(stamp.version);
    return initialStatusOf({
      heldBy: screening.heldBy,
      suspectWord: screening.suspectWord,
      premoderateNewReaders: stamp.premoderateNewReaders,
      approvedComments: async () => (await this.users.findActive(facts.authorId)).commentCount,
    });
  }

  private async compiledFor(version: number): Promise<CompiledSettings> {
    const cached = this.compiled ? await this.compiled.catch(() => null) : null;
    if (cached && cached.version >= version) return cached;
    const loading = this.settings.find().then(compile);
    this.compiled = loading;
    try {
      return await loading;
    } catch (error) {
      if (this.compiled === loading) this.compiled = null;
      throw error;
    }
  }
}

function compile(row: ModerationSettings): CompiledSettings {
  const stored = storedOf(row);
  return {
    version: row.version,
    banned: BannedWordsMatcher.compile(stored.bannedWords),
    suspect: BannedWordsMatcher.compile(stored.suspectWords),
    premoderateLinks: stored.premoderateLinks,
    external: stored.externalModeration,
  };
}

function storedOf(row: ModerationSettings): StoredSettings {
  return {
    bannedWords: row.bannedWords,
    premoderateNewReaders: row.premoderateNewReaders,
    suspectWords: row.suspectWords,
    premoderateLinks: row.premoderateLinks,
    closeAfterDays: row.closeAfterDays,
    externalModeration:
      row.externalModerationUrl !== null && row.externalModerationSecret !== null
        ? { url: row.externalModerationUrl, secret: row.externalModerationSecret, timeoutMs: row.externalModerationTimeoutMs ?? DEFAULT_EXTERNAL_TIMEOUT_MS }
        : null,
  };
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

function sameExternal(a: StoredSettings['externalModeration'], b: StoredSettings['externalModeration']): boolean {
  if (a === null || b === null) return a === b;
  return a.url === b.url && a.secret === b.secret && a.timeoutMs === b.timeoutMs;
}

function sameSettings(a: StoredSettings, b: StoredSettings): boolean {
  return (
    sameList(a.bannedWords, b.bannedWords) &&
    a.premoderateNewReaders === b.premoderateNewReaders &&
    sameList(a.suspectWords, b.suspectWords) &&
    a.premoderateLinks === b.premoderateLinks &&
    a.closeAfterDays === b.closeAfterDays &&
    sameExternal(a.externalModeration, b.externalModeration)
  );
}

function toSettingsView(settings: ModerationSettings): ModerationSettingsView {
  const stored = storedOf(settings);
  return {
    bannedWords: stored.bannedWords,
    premoderateNewReaders: stored.premoderateNewReaders,
    suspectWords: stored.suspectWords,
    premoderateLinks: stored.premoderateLinks,
    closeAfterDays: stored.closeAfterDays,
    externalModeration: stored.externalModeration,
    updatedAt: settings.updatedAt.toISOString(),
  };
}
