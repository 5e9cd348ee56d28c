import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { DomainEvents } from '../common/events/domain-events';
import { UnitOfWork } from '../database/unit-of-work';
import { Upserted } from '../common/http/upserted';
import { Article } from './article.entity';
import { ArticlesRepository } from './articles.repository';
import { ARTICLE_ID_PATTERN, ArticleView, UpsertArticleDto } from './dto/article.dto';

@Injectable()
export class ArticlesService {
  constructor(
    private readonly articles: ArticlesRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: DomainEvents,
  ) {}

  /** Creates or updates the article; closing its comments (open before, `commentsOpen: false` now) is announced. */
  async upsert(id: string, input: UpsertArticleDto): Promise<Upserted<ArticleView>> {
    assertArticleId(id);
    const { article, created } = await this.unitOfWork.run(async () => {
      const wasOpen = input.commentsOpen === false ? await this.articles.lockCommentsOpen(id) : null;
      const upserted = await this.articles.upsert(id, {
        title: input.title,
        url: input.url,
        publishedAt: input.publishedAt === undefined ? undefined : input.publishedAt === null ? null : new Date(input.publishedAt),
        commentsOpen: input.commentsOpen,
        appealId: input.appealId,
      });
      if (wasOpen === true && !upserted.article.commentsOpen) {
        await this.events.publish('article.commentsClosed', { articleId: id, closedAt: new Date().toISOString() });
      }
      return upserted;
    });
    return new Upserted(toArticleView(article), created);
  }

  async get(id: string): Promise<ArticleView> {
    return toArticleView(await this.findOrFail(id));
  }

  /** The article, or 404 ARTICLE_NOT_FOUND; other modules call this before writing under an article. */
  async findOrFail(id: string): Promise<Article> {
    const article = ARTICLE_ID_PATTERN.test(id) ? await this.articles.findById(id) : null;
    if (!article) throw articleNotFound();
    return article;
  }

  async counts(ids: string[]): Promise<Record<string, number>> {
    const unique = [...new Set(ids)];
    const found = await this.articles.countsFor(unique);
    return Object.fromEntries(unique.map((id) => [id, found.get(id) ?? 0]));
  }

  /** Opens or closes an article's comments; pass `manager` to do it in the caller's transaction. */
  async setCommentsOpen(id: string, commentsOpen: boolean): Promise<ArticleView> {
    await this.findOrFail(id);
    const article = await this.articles.setCommentsOpen(id, commentsOpen);
    return toArticleView(article as Article);
  }

  /**
   * Locks the article row for a transaction that will change comment statuses
   * and counters: taking it first keeps one lock order and avoids deadlocks.
   */
  /** Locks the article row for a change of the article itself (open or close its comments); call inside the transaction. */
  lockForUpdate(id: string): Promise<void> {
    return this.articles.lockForUpdate(id);
  }

  async lockForCommentWrite(id: string): Promise<void> {
    if (!ARTICLE_ID_PATTERN.test(id) || !(await this.articles.lockForCommentWrite(id))) {
      throw articleNotFound();
    }
  }

  /** Keeps `commentCount` in step with visible comments; call inside the comment's transaction. */
  adjustCommentCount(id: string, delta: number): Promise<void> {
    return this.articles.adjustCommentCount(id, delta);
  }
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

export function toArticleView(article: Article): ArticleView {
  return {
    id: article.id,
    title: article.title,
    url: article.url,
    publishedAt: article.publishedAt ? article.publishedAt.toISOString() : null,
    commentsOpen: article.commentsOpen,
    commentCount: article.commentCount,
    appealId: article.appealId,
  };
}
