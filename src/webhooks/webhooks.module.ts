import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookBacklogMetrics } from './webhook-metrics';
import { WebhookRecorder } from './webhook-recorder';
import { WebhookSender } from './webhook-sender';
import { AdminWebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/** Outbound webhooks to the newsroom: endpoints, events recorded with their causes, signed deliveries by jobs. */
@Module({
  imports: [NotificationsModule],
  controllers: [AdminWebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhookRecorder, WebhookDispatcher, WebhookSender, WebhookBacklogMetrics],
})
export class WebhooksModule {}
