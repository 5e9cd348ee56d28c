import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { CommentViewsProvider } from '../common/hooks/comment-views';
import { UsersModule } from '../users/users.module';
import { CommentCountersService } from './comment-counters.service';
import { CommentFeedbackRepository } from './comment-feedback.repository';
import { CommentFeedbackService } from './comment-feedback.service';
import { CommentsController } from './comments.controller';
import { CommentsRepository } from './comments.repository';
import { CommentsService } from './comments.service';
import { CommentReviewRepository } from './comment-review.repository';
import { CommentReviewService } from './comment-review.service';
import { UserCommentsController } from './user-comments.controller';

@Module({
  imports: [ArticlesModule, UsersModule],
  controllers: [CommentsController, UserCommentsController],
  providers: [
    CommentCountersService,
    CommentsService,
    CommentsRepository,
    CommentFeedbackService,
    CommentFeedbackRepository,
    CommentReviewService,
    CommentReviewRepository,
    { provide: CommentViewsProvider, useExisting: CommentsService },
  ],
  exports: [CommentCountersService, CommentsService, CommentReviewService],
})
export class CommentsModule {}
