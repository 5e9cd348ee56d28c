import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { AdminArticlesController } from './admin-articles.controller';
import { AdminUsersController } from './admin-users.controller';
import { ArticleModerationService } from './article-moderation.service';
import { AuditLogController } from './audit-log.controller';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';
import { ModerationLocksRepository } from './moderation-locks.repository';
import { ModerationSettingsController } from './moderation-settings.controller';
import { ModerationSettingsRepository } from './moderation-settings.repository';
import { ModerationSettingsService } from './moderation-settings.service';
import { SanctionsService } from './sanctions.service';

@Module({
  imports: [UsersModule, AuthModule, ArticlesModule],
  controllers: [AdminUsersController, AdminArticlesController, ModerationSettingsController, AuditLogController],
  providers: [
    AuditLogRepository,
    AuditLogService,
    ModerationLocksRepository,
    ModerationSettingsRepository,
    ModerationSettingsService,
    SanctionsService,
    ArticleModerationService,
  ],
})
export class ModerationModule {}
