import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { UsersModule } from '../users/users.module';
import { AdminDonationsController } from './admin-donations.controller';
import { AppealsController } from './appeals.controller';
import { AppealsRepository } from './appeals.repository';
import { AppealsService } from './appeals.service';
import { DonationSummaryRepository } from './donation-summary.repository';
import { DonationSummaryService } from './donation-summary.service';
import { DonationsController } from './donations.controller';
import { DonationsRepository } from './donations.repository';
import { DonationsService } from './donations.service';
import { DonorErasureService } from './donor-erasure.service';
import { PaymentsConfiguredGuard, WebhooksConfiguredGuard } from './payments-configured.guard';
import { StripeConnection } from './stripe-connection';
import { StripeRecordsRepository } from './stripe-records.repository';
import { StripeWebhookController } from './stripe-webhook.controller';
import { StripeWebhookService } from './stripe-webhook.service';
import { SupporterEntitlementsRepository } from './supporter-entitlements.repository';
import { SupporterMembershipService } from './supporter-membership.service';
import { SupporterStatusProvider } from '../common/hooks/account-hooks';

/** Appeals, Stripe Checkout, webhooks, supporter membership and donation reporting. */
@Module({
  imports: [ArticlesModule, UsersModule, NotificationsModule],
  controllers: [AppealsController, DonationsController, StripeWebhookController, AdminDonationsController],
  providers: [
    StripeConnection,
    PaymentsConfiguredGuard,
    WebhooksConfiguredGuard,
    AppealsRepository,
    AppealsService,
    DonationsRepository,
    DonationsService,
    StripeRecordsRepository,
    StripeWebhookService,
    SupporterEntitlementsRepository,
    SupporterMembershipService,
    // Supporter badges other modules show (AccountHooks refuses to start without it).
    { provide: SupporterStatusProvider, useExisting: SupporterMembershipService },
    DonationSummaryRepository,
    DonationSummaryService,
    DonorErasureService,
  ],
  // Newsroom sign-in grants the supporter badge of a newsroom subscription through the same entitlements.
  exports: [SupporterMembershipService],
})
export class DonationsModule {}
