import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { CommentsModule } from '../comments/comments.module';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { AdminArticlesController } from './admin-articles.controller';
import { AdminCommentsController } from './admin-comments.controller';
import { AdminUsersController } from './admin-users.controller';
import { ArticleModerationService } from './article-moderation.service';
import { AuditLogController } from './audit-log.controller';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';
import { CommentModerationService } from './comment-moderation.service';
import { ExternalModerationClient } from './external-moderation.client';
import { ModerationQueueService } from './moderation-queue.service';
import { ModerationSettingsController } from './moderation-settings.controller';
import { ModerationSettingsRepository } from './moderation-settings.repository';
import { ModerationSettingsService } from './moderation-settings.service';
import { SanctionsService } from './sanctions.service';
import { InitialStatusRule } from '../common/hooks/comment-policy';
import { BulkModerationService } from './bulk-moderation.service';
import { ModeratorNotesRepository } from './moderator-notes.repository';
import { ModeratorNotesService } from './moderator-notes.service';
import { ReaderStandingService } from './reader-standing.service';

@Module({
  imports: [UsersModule, AuthModule, ArticlesModule, CommentsModule],
  controllers: [AdminCommentsController, AdminUsersController, AdminArticlesController, ModerationSettingsController, AuditLogController],
  providers: [
    AuditLogRepository,
    AuditLogService,
    ModerationSettingsRepository,
    ModerationSettingsService,
    ExternalModerationClient,
    // How a new comment starts out (CommentPolicy refuses to start without it).
    { provide: InitialStatusRule, useExisting: ModerationSettingsService },
    SanctionsService,
    ArticleModerationService,
    ModerationQueueService,
    CommentModerationService,
    BulkModerationService,
    ReaderStandingService,
    ModeratorNotesRepository,
    ModeratorNotesService,
  ],
})
export class ModerationModule {}
