import { Global, Module } from '@nestjs/common';
import { AppMetrics } from './app-metrics';
import { NotificationsModule } from '../notifications/notifications.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** `GET /metrics`; global so that any module can update the gauges it is responsible for. */
@Global()
@Module({
  controllers: [MetricsController],
  // The job queue's backlog is read from its owner, the notifications module (pg-boss's tables are its).
  imports: [NotificationsModule],
  providers: [AppMetrics, MetricsService],
  exports: [AppMetrics],
})
export class MetricsModule {}
