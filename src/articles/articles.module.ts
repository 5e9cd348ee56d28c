import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { ArticleClosingJob } from './article-closing.job';
import { ArticlesController } from './articles.controller';
import { ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';

@Module({
  imports: [NotificationsModule],
  controllers: [ArticlesController],
  providers: [ArticlesService, ArticlesRepository, ArticleClosingJob],
  exports: [ArticlesService],
})
export class ArticlesModule {}
