import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { FanOutLagMetric } from './jobs/fan-out-lag.metric';
import { JobQueue } from './jobs/job-queue';
import { JobQueueBacklogRepository } from './jobs/job-queue-backlog.repository';
import { NotificationProducer } from './notification-producer';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { UnreadCountProvider } from '../common/hooks/account-hooks';

/** The reader's inbox, the producers that fill it, and the PostgreSQL job queue behind the fan-out. */
@Module({
  imports: [UsersModule],
  controllers: [NotificationsController],
  providers: [JobQueue, JobQueueBacklogRepository, NotificationsRepository, NotificationsService, NotificationProducer, FanOutLagMetric,
    { provide: UnreadCountProvider, useExisting: NotificationsService },
  ],
  exports: [JobQueue, JobQueueBacklogRepository, NotificationsService],
})
export class NotificationsModule {}
