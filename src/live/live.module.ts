import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { CommentsModule } from '../comments/comments.module';
import { LiveBus } from './live-bus';
import { LiveHub } from './live-hub';
import { LivePublisher } from './live-publisher';
import { LiveTickets } from './live-tickets';
import { LiveController } from './live.controller';
import { LiveService } from './live.service';

/** Live threads and the live moderation queue over Server-Sent Events; owns no table. */
@Module({
  imports: [ArticlesModule, CommentsModule],
  controllers: [LiveController],
  providers: [LiveBus, LiveHub, LivePublisher, LiveTickets, LiveService],
  exports: [LiveHub],
})
export class LiveModule {}
