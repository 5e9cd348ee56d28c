import { Global, Module } from '@nestjs/common';
import { AppMetrics } from './app-metrics';
import { JobQueueBacklogRepository } from './job-queue-backlog.repository';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** `GET /metrics`; global so that any module can update the gauges it is responsible for. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [AppMetrics, MetricsService, JobQueueBacklogRepository],
  exports: [AppMetrics],
})
export class MetricsModule {}
