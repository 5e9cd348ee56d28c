import { UnitOfWork } from '../database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { ArticlesService, toArticleView } from '../articles/articles.service';
import { ArticleView } from '../articles/dto/article.dto';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AuditLogService } from './audit-log.service';

/** Opening and closing an article's comments from the moderators' tools, on the record. */
@Injectable()
export class ArticleModerationService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly articles: ArticlesService,
    private readonly audit: AuditLogService,
  ) {}

  setCommentsOpen(actor: AuthenticatedUser, articleId: string, commentsOpen: boolean, reason: string | null): Promise<ArticleView> {
    return this.unitOfWork.run(async () => {
      await this.articles.findOrFail(articleId);
      await this.articles.lockForUpdate(articleId);
      const locked = await this.articles.findOrFail(articleId);
      if (locked.commentsOpen === commentsOpen) return toArticleView(locked);
      const updated = await this.articles.setCommentsOpen(articleId, commentsOpen);
      await this.audit.record({
        actorId: actor.id,
        action: commentsOpen ? 'article.open_comments' : 'article.close_comments',
        targetType: 'article',
        targetId: articleId,
        reason,
      });
      return updated;
    });
  }
}
