import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { EmbeddedDatabaseStatus, embeddedDatabaseStatus } from '../database/embedded-database-status';

@Module({
  controllers: [HealthController],
  providers: [{ provide: EmbeddedDatabaseStatus, useValue: embeddedDatabaseStatus }],
})
export class HealthModule {}
