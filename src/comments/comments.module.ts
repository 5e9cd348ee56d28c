import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { UsersModule } from '../users/users.module';
import { CommentCountersService } from './comment-counters.service';

@Module({
  imports: [ArticlesModule, UsersModule],
  providers: [CommentCountersService],
  exports: [CommentCountersService],
})
export class CommentsModule {}
