import { Injectable } from '@nestjs/common';
import { ArticlesService } from '../articles/articles.service';
import { UsersService } from '../users/users.service';
import { Comment } from './comment.entity';
import { CommentsRepository } from './comments.repository';

type CountedComment = Pick<Comment, 'id' | 'articleId' | 'authorId' | 'parentId'>;

/**
 * The one place that moves the counters a visible comment contributes to:
 * the article's `commentCount`, the author's `commentCount` and `replyCount`
 * of every ancestor. Call it inside the transaction that changes the status,
 * with +1 when a comment becomes visible and -1 when it stops being visible.
 * Posting makes the same +1 moves inside its insert statement (one round trip),
 * through the same owners' SQL functions (`articles_bump_comment_count`,
 * `users_bump_comment_count`) the article and user counters use here; only the
 * ancestors' `reply_count`, which is this module's own, is written twice.
 */
@Injectable()
export class CommentCountersService {
  constructor(
    private readonly articles: ArticlesService,
    private readonly users: UsersService,
    private readonly comments: CommentsRepository,
  ) {}

  async applyVisibilityChange(comment: CountedComment, delta: 1 | -1): Promise<void> {
    await this.articles.adjustCommentCount(comment.articleId, delta);
    if (comment.authorId) await this.users.adjustCommentCount(comment.authorId, delta);
    if (comment.parentId) {
      await this.comments.adjustAncestorReplyCounts(comment.parentId, delta);
    }
  }
}

/** Whether a status counts toward the visible counters. */
export function countsAsVisible(status: Comment['status']): boolean {
  return status === 'visible';
}
