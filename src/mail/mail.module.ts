import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { AuthModule } from '../auth/auth.module';
import { DonationsModule } from '../donations/donations.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { UsersModule } from '../users/users.module';
import { AccountMailController } from './account-mail.controller';
import { AccountMailService } from './account-mail.service';
import { AccountTokensRepository } from './account-tokens.repository';
import { ActivityMailService } from './activity-mail.service';
import { DigestItemsRepository } from './digest-items.repository';
import { MailLinks } from './mail-links';
import { MailOutbox } from './mail-outbox.service';
import { MailRepository } from './mail.repository';
import { MailTransport } from './mail-transport';
import { NotificationSettingsController } from './notification-settings.controller';
import { NotificationSettingsRepository } from './notification-settings.repository';
import { NotificationSettingsService } from './notification-settings.service';
import { SupporterMailService } from './supporter-mail.service';

/**
 * E-mail: the outbox and its delivery jobs, account e-mails and their tokens, activity e-mails and digests that
 * mirror the inbox, supporter receipts, notification settings and one-click unsubscribe.
 */
@Module({
  imports: [UsersModule, AuthModule, NotificationsModule, ArticlesModule, DonationsModule],
  controllers: [AccountMailController, NotificationSettingsController],
  providers: [
    MailTransport,
    MailLinks,
    MailRepository,
    MailOutbox,
    AccountTokensRepository,
    AccountMailService,
    NotificationSettingsRepository,
    NotificationSettingsService,
    DigestItemsRepository,
    ActivityMailService,
    SupporterMailService,
  ],
})
export class MailModule {}
