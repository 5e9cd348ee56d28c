import { Injectable } from '@nestjs/common';
import { ArticlesService } from '../articles/articles.service';
import { DomainEventMap, DomainEvents } from '../common/events/domain-events';
import { UnitOfWork } from '../database/unit-of-work';
import { DonationsService } from '../donations/donations.service';
import { JobQueue } from '../notifications/jobs/job-queue';
import { UsersService } from '../users/users.service';
import { MailLinks } from './mail-links';
import { MailOutbox } from './mail-outbox.service';
import { receiptMail, renewalFailedMail } from './templates/supporter.templates';

export const SUPPORTER_MAIL_JOB = 'mail.supporter';

type SupporterMailJob =
  | { kind: 'receipt'; event: DomainEventMap['donation.succeeded'] }
  | { kind: 'renewal_failed'; event: DomainEventMap['donation.renewal_failed'] };

/**
 * Thank-you receipts (one-off gifts and the first payment of a recurring donation, not each renewal) and the notice
 * of a renewal that could not be charged. The donations module announces both inside the webhook's transaction,
 * which Stripe's redeliveries never repeat (event ids are claimed there); the idempotency keys (`receipt:<donation>`,
 * `renewal-failed:<invoice>`) make each e-mail exist once even so. Donors who gave without an account get Stripe's
 * own receipt only: Margin has no address of theirs to keep.
 */
@Injectable()
export class SupporterMailService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: MailOutbox,
    private readonly links: MailLinks,
    private readonly users: UsersService,
    private readonly articles: ArticlesService,
    private readonly donations: DonationsService,
    jobs: JobQueue,
    events: DomainEvents,
  ) {
    events.onInTransaction('donation.succeeded', async (event) => {
      if (event.userId) await jobs.enqueue(SUPPORTER_MAIL_JOB, { kind: 'receipt', event } satisfies SupporterMailJob);
    });
    events.onInTransaction('donation.renewal_failed', async (event) => {
      if (event.userId) await jobs.enqueue(SUPPORTER_MAIL_JOB, { kind: 'renewal_failed', event } satisfies SupporterMailJob);
    });
    jobs.define({ name: SUPPORTER_MAIL_JOB, retryLimit: 5, handler: (data) => this.compose(data as SupporterMailJob) });
  }

  async compose(job: SupporterMailJob): Promise<void> {
    const { event } = job;
    const [user] = await this.users.findAccounts(event.userId ? [event.userId] : []);
    if (!user?.email) return;
    const displayName = user.displayName ?? '';
    if (job.kind === 'receipt') {
      if (await this.donations.isRenewal(event.donationId)) return;
      const article = (await this.articles.links([event.articleId])).get(event.articleId);
      await this.unitOfWork.run(() =>
        this.outbox.queue({
          idempotencyKey: `receipt:${event.donationId}`,
          kind: 'receipt',
          userId: user.id,
          to: user.email as string,
          mail: receiptMail({
            displayName,
            amount: event.amount,
            currency: event.currency,
            frequency: event.frequency,
            paidAt: event.occurredAt,
            articleTitle: article?.title ?? null,
            articleUrl: article?.url ?? null,
          }),
        }),
      );
      return;
    }
    await this.unitOfWork.run(() =>
      this.outbox.queue({
        idempotencyKey: `renewal-failed:${job.event.invoiceId}`,
        kind: 'renewal_failed',
        userId: user.id,
        to: user.email as string,
        mail: renewalFailedMail({ displayName, amount: event.amount, currency: event.currency, frequency: event.frequency, billingUrl: this.links.billing() }),
      }),
    );
  }
}
