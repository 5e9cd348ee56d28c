import { Injectable, Logger } from '@nestjs/common';
import { ArticlesService } from '../articles/articles.service';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { AppConfig } from '../config/app-config';
import { accountGone, UsersService } from '../users/users.service';
import { donationFitErrors } from './appeal-rules';
import { AppealsService } from './appeals.service';
import { checkoutIdempotencyKey, checkoutSessionParams } from './checkout-session-params';
import { Donation } from './donation.entity';
import { DonationsRepository } from './donations.repository';
import { BillingPortalView, CheckoutView, DonationView, StartCheckoutDto } from './dto/donation.dto';
import { describeStripeError, toProviderError } from './stripe-errors';
import { StripeConnection } from './stripe-connection';
import { StripeRecordsRepository } from './stripe-records.repository';
import { isUuid } from '../common/validation/uuid';
import { UnitOfWork } from '../database/unit-of-work';
import { JobQueue } from '../notifications/jobs/job-queue';
import { REDACT_CUSTOMER_JOB } from './donor-erasure.service';


@Injectable()
export class DonationsService {
  private readonly logger = new Logger(DonationsService.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly jobs: JobQueue,
    private readonly donations: DonationsRepository,
    private readonly records: StripeRecordsRepository,
    private readonly appeals: AppealsService,
    private readonly articles: ArticlesService,
    private readonly users: UsersService,
    private readonly stripe: StripeConnection,
    private readonly config: AppConfig,
  ) {}

  /** Whether the donation is a renewal of a recurring one (receipts thank the first payment, not every renewal). */
  async isRenewal(donationId: string): Promise<boolean> {
    const donation = await this.donations.findById(donationId);
    return donation?.renewalOf != null;
  }

  /**
   * Writes the pending donation first, then opens its Checkout Session, so
   * every session Stripe knows has a row here; if Stripe refuses or cannot be
   * reached the row is marked failed and the caller gets a stable 502/503.
   */
  async startCheckout(input: StartCheckoutDto, donor: AuthenticatedUser | undefined): Promise<CheckoutView> {
    const stripe = this.stripe.client;
    const article = await this.articles.findOrFail(input.articleId);
    const appeal = await this.appeals.appealFor(article);
    const errors = donationFitErrors(appeal, input);
    if (errors.length > 0) throw new AppError('VALIDATION_FAILED', errors.map((error) => error.message).join('; '), errors);

    const donation = await this.unitOfWork.run(async () => {
      // A signed-in donor's row is written under their account lock, so an erasure beside it either
      // detaches it or makes this a 401; it never leaves a donation pointing at an erased reader.
      if (donor) await this.users.lockActiveAccount(donor.id);
      return this.donations.insertPending({
        userId: donor?.id ?? null,
        articleId: article.id,
        appealId: appeal.id,
        amount: input.amount,
        currency: input.currency,
        frequency: input.frequency,
      });
    });
    try {
      const customerId = donor ? await this.customerFor(donor.id) : undefined;
      const session = await stripe.checkout.sessions.create(
        checkoutSessionParams(donation, { customerId, email: donor ? undefined : input.email }, this.config.publicSiteUrl),
        { idempotencyKey: checkoutIdempotencyKey(donation.id) },
      );
      if (!session.url) throw new Error('Checkout Session without a url');
      await this.donations.attachCheckoutSession(donation.id, session.id);
      return { donationId: donation.id, checkoutUrl: session.url };
    } catch (error) {
      this.logger.warn({ donationId: donation.id, stripe: describeStripeError(error) }, 'Checkout Session could not be created');
      await this.donations.markCheckoutFailed(donation.id);
      throw toProviderError(error);
    }
  }

  /** The signed-in donor's Stripe customer, created once (the idempotency key covers two concurrent first gifts). */
  private async customerFor(userId: string): Promise<string> {
    const known = await this.records.findCustomerId(userId);
    if (known) return known;
    // Erased since the donation row was written: the same 401 as every other write of a vanished account.
    const user = await this.users.findActive(userId).catch((error: unknown) => {
      throw error instanceof AppError && error.code === 'USER_NOT_FOUND' ? accountGone() : error;
    });
    const customer = await this.stripe.client.customers.create(
      { email: user.email ?? undefined, metadata: { userId } },
      { idempotencyKey: `reader-customer-${userId}` },
    );
    try {
      return await this.unitOfWork.run(async () => {
        await this.users.lockActiveAccount(userId);
        return this.records.saveCustomerId(userId, customer.id);
      });
    } catch (error) {
      // Erased while Stripe made the customer: nothing links it here any more, so redact Stripe's copy now.
      if (error instanceof AppError && error.code === 'UNAUTHENTICATED') {
        await this.jobs.enqueue(REDACT_CUSTOMER_JOB, { customerId: customer.id });
      }
      throw error;
    }
  }

  async get(id: string): Promise<DonationView> {
    const donation = isUuid(id) ? await this.donations.findById(id) : null;
    if (!donation) throw new AppError('DONATION_NOT_FOUND', 'No donation has this id');
    return toDonationView(donation);
  }

  async listMine(userId: string, query: PageQueryDto): Promise<Page<DonationView>> {
    const after = query.cursor ? decodeCursor(query.cursor, ['timestamp', 'uuid']) : undefined;
    const rows = await this.donations.findPageForUser(
      userId,
      query.limit,
      after ? { createdAt: after[0] as string, id: after[1] as string } : undefined,
    );
    return toPage(rows, query.limit, (row) => [row.createdAt.toISOString(), row.id], toDonationView);
  }

  async openBillingPortal(userId: string): Promise<BillingPortalView> {
    const stripe = this.stripe.client;
    const customerId = await this.records.findCustomerId(userId);
    if (!customerId) throw new AppError('NO_BILLING_ACCOUNT', 'You have not donated while signed in yet');
    try {
      const session = await stripe.billingPortal.sessions.create({
        customer: customerId,
        return_url: `${this.config.publicSiteUrl}/account/donations`,
      });
      return { url: session.url };
    } catch (error) {
      this.logger.warn({ stripe: describeStripeError(error) }, 'Billing portal session could not be created');
      throw toProviderError(error);
    }
  }
}

export function toDonationView(donation: Donation): DonationView {
  return {
    id: donation.id,
    status: donation.status,
    amount: donation.amount,
    currency: donation.currency,
    frequency: donation.frequency,
    articleId: donation.articleId,
    createdAt: donation.createdAt.toISOString(),
  };
}
