import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { AppError } from '../common/errors/app-error';
import { Upserted } from '../common/http/upserted';
import { UnitOfWork } from '../database/unit-of-work';
import { ArticleClosingJob } from './article-closing.job';
import { ArticleRecord, ArticlesRepository } from './articles.repository';
import { ARTICLE_ID_PATTERN, ArticleView, UpsertArticleDto } from './dto/article.dto';

export type { ArticleRecord };

@Injectable()
export class ArticlesService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly articles: ArticlesRepository,
    private readonly events: DomainEvents,
    private readonly closing: ArticleClosingJob,
  ) {}

  /**
   * Registers or updates an article. When the update closes comments that were open (the flag turned off, or a close
   * time already passed), `article.commentsClosed` is published with it.
   */
  async upsert(id: string, input: UpsertArticleDto): Promise<Upserted<ArticleView>> {
    assertArticleId(id);
    const upserted = await this.unitOfWork.run(async () => {
      const before = await this.articles.findByIdForUpdate(id);
      const { created } = await this.articles.upsert(id, {
        title: input.title,
        url: input.url,
        publishedAt: toDate(input.publishedAt),
        commentsOpen: input.commentsOpen,
        commentsCloseAt: toDate(input.commentsCloseAt),
        appealId: input.appealId,
      });
      const after = (await this.articles.findById(id)) as ArticleRecord;
      await this.afterChange(before, after);
      return new Upserted(toArticleView(after), created);
    });
    if (input.commentsCloseAt !== undefined || input.publishedAt !== undefined) await this.closing.closeTimesMayHaveMoved();
    return upserted;
  }

  async get(id: string): Promise<ArticleView> {
    return toArticleView(await this.findOrFail(id));
  }

  /** The article, or 404 ARTICLE_NOT_FOUND; other modules call this before writing under an article. */
  async findOrFail(id: string): Promise<ArticleRecord> {
    const article = ARTICLE_ID_PATTERN.test(id) ? await this.articles.findById(id) : null;
    if (!article) throw articleNotFound();
    return article;
  }

  async counts(ids: string[]): Promise<Record<string, number>> {
    const unique = [...new Set(ids)];
    const found = await this.articles.countsFor(unique);
    return Object.fromEntries(unique.map((id) => [id, found.get(id) ?? 0]));
  }

  /**
   * A moderator opens or closes an article's comments (call inside the transaction, after `lockForUpdate`). Opening
   * outlasts a close time already passed; closing publishes `article.commentsClosed`. No change: no write.
   */
  async setCommentsOpen(id: string, commentsOpen: boolean): Promise<ArticleView> {
    const before = await this.findOrFail(id);
    if (before.commentsOpen === commentsOpen) return toArticleView(before);
    if (commentsOpen) await this.articles.reopen(id);
    else await this.articles.close(id);
    const after = (await this.articles.findById(id)) as ArticleRecord;
    await this.afterChange(before, after);
    return toArticleView(after);
  }

  /** Locks the article row for a change of the article itself (open or close its comments); call inside the transaction. */
  lockForUpdate(id: string): Promise<void> {
    return this.articles.lockForUpdate(id);
  }

  /**
   * Locks the article row for a transaction that will change comment statuses
   * and counters: taking it first keeps one lock order and avoids deadlocks.
   */
  async lockForCommentWrite(id: string): Promise<void> {
    if (!ARTICLE_ID_PATTERN.test(id) || !(await this.articles.lockForCommentWrite(id))) {
      throw articleNotFound();
    }
  }

  /** Keeps `commentCount` in step with visible comments; call inside the comment's transaction. */
  adjustCommentCount(id: string, delta: number): Promise<void> {
    return this.articles.adjustCommentCount(id, delta);
  }

  /**
   * The close-after days changed (the moderation module calls this in the settings' transaction): closes announced
   * under the old value that now lie ahead will be announced again when they come.
   */
  async closeAfterDaysChanged(): Promise<number> {
    const forgotten = await this.articles.forgetAnnouncedDefaultCloses();
    await this.closing.closeTimesMayHaveMoved();
    return forgotten;
  }

  /**
   * Announces a close this change caused (open before, closed after). A close time that has passed counts as
   * announced from now on, whether this change announced it or the article never was open under it, so the closing
   * job does not announce it again.
   */
  private async afterChange(before: ArticleRecord | null, after: ArticleRecord): Promise<void> {
    const closedBySchedule = after.closeAt !== null && after.storedCommentsOpen && !after.commentsOpen;
    const closedNow = before?.commentsOpen === true && !after.commentsOpen;
    // A close already due when an existing article was closed before this change is left for the job to announce.
    if (closedBySchedule && (closedNow || before === null)) await this.articles.markCloseAnnounced(after.id, after.closeAt as Date);
    if (closedNow) await this.events.publish('article.commentsClosed', { articleId: after.id, closedAt: new Date().toISOString() });
  }
}

function toDate(value: string | null | undefined): Date | null | undefined {
  return value === undefined ? undefined : value === null ? null : new Date(value);
}

/** Whether `id` has the shape of an article id; any other id names no article. */
export function isArticleId(id: string): boolean {
  return ARTICLE_ID_PATTERN.test(id);
}

/** 404 ARTICLE_NOT_FOUND, for every module that looks an article up. */
export function articleNotFound(): AppError {
  return new AppError('ARTICLE_NOT_FOUND', 'No article has this id');
}

function assertArticleId(id: string): void {
  if (!ARTICLE_ID_PATTERN.test(id)) {
    throw new AppError('VALIDATION_FAILED', 'articleId must be 1–128 characters of A-Z a-z 0-9 . _ : -', [
      { field: 'articleId', message: 'articleId must be 1–128 characters of A-Z a-z 0-9 . _ : -' },
    ]);
  }
}

export function toArticleView(article: ArticleRecord): ArticleView {
  return {
    id: article.id,
    title: article.title,
    url: article.url,
    publishedAt: article.publishedAt ? article.publishedAt.toISOString() : null,
    commentsOpen: article.commentsOpen,
    commentsCloseAt: article.closeAt ? article.closeAt.toISOString() : null,
    commentCount: article.commentCount,
  };
}
