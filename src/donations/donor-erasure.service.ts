import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AccountHooks } from '../common/hooks/account-hooks';
import { JobQueue } from '../notifications/jobs/job-queue';
import { DonationsRepository } from './donations.repository';
import { StripeConnection } from './stripe-connection';
import { StripeRecordsRepository } from './stripe-records.repository';
import { SupporterEntitlementsRepository } from './supporter-entitlements.repository';

export const REDACT_CUSTOMER_JOB = 'stripe.redact-customer';

interface RedactCustomerJob {
  customerId: string;
}

/**
 * A donor's erasure. In the erasure transaction: donations stay as financial
 * records without their donor, supporter status goes, and the link to the Stripe
 * customer goes. Stripe's copy of the person (e-mail, name, our user id in its
 * metadata) is redacted by a queued job, so a Stripe outage never blocks or undoes
 * an erasure; the customer itself stays, since Stripe keeps its payments on it.
 */
@Injectable()
export class DonorErasureService implements OnModuleInit {
  private readonly logger = new Logger(DonorErasureService.name);

  constructor(
    private readonly hooks: AccountHooks,
    private readonly jobs: JobQueue,
    private readonly stripe: StripeConnection,
    private readonly records: StripeRecordsRepository,
    private readonly donations: DonationsRepository,
    private readonly entitlements: SupporterEntitlementsRepository,
  ) {
    jobs.define({ name: REDACT_CUSTOMER_JOB, retryLimit: 10, handler: (data) => this.redactCustomer(data as RedactCustomerJob) });
  }

  onModuleInit(): void {
    this.hooks.onErase((userId) => this.eraseDonor(userId));
  }

  private async eraseDonor(userId: string): Promise<void> {
    const customerIds = await this.records.unlinkReader(userId);
    await this.donations.detachDonor(userId);
    await this.entitlements.deleteAllOf(userId);
    for (const customerId of customerIds) await this.jobs.enqueue(REDACT_CUSTOMER_JOB, { customerId });
  }

  /** Idempotent: an empty value unsets a field on Stripe's side, so a retry changes nothing more. */
  async redactCustomer(job: RedactCustomerJob): Promise<void> {
    if (!this.stripe.isConfigured) {
      this.logger.warn(`Cannot redact Stripe customer ${job.customerId}: STRIPE_SECRET_KEY is not set; the job will be retried`);
      throw new Error('Stripe is not configured');
    }
    await this.stripe.client.customers.update(job.customerId, { email: '', name: '', phone: '', description: '', metadata: { userId: '' } });
  }
}
