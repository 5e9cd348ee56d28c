import { UnitOfWork } from '../database/unit-of-work';
import { Injectable, Logger } from '@nestjs/common';
import { DonationEventPayload, DomainEvents } from '../common/events/domain-events';
import Stripe from 'stripe';
import { AppError } from '../common/errors/app-error';
import { Donation } from './donation.entity';
import { DonationsRepository } from './donations.repository';
import { describeStripeError, isStripeNotFound, toProviderError } from './stripe-errors';
import { StripeConnection } from './stripe-connection';
import { isPermanentEventFailure, recordableIdentity, whyUnprocessable } from './stripe-event-shape';
import {
  checkoutIsPaid,
  disputeEffect,
  failedInvoiceKind,
  fromUnix,
  idOf,
  invoicePeriodEnd,
  isDonationId,
  isHandledEvent,
  paidInvoiceKind,
  periodEndOf,
  refundEffect,
  subscriptionEndsDonation,
  subscriptionRenews,
} from './stripe-event-rules';
import { StripeRecordsRepository } from './stripe-records.repository';
import { SupporterMembershipService } from './supporter-membership.service';

/** A subscription as Stripe returned it, and when we asked (orders concurrent reads). */
interface SubscriptionRead {
  subscription: Stripe.Subscription;
  requestedAt: Date;
}

/** What an event needs from Stripe beyond its payload, read before the transaction opens. */
interface StripeFacts {
  subscription?: SubscriptionRead | null;
  paymentIntentId?: string | null;
}

type Outcome = 'applied' | `ignored: ${string}`;

function donationFacts(donation: Donation, at: Date): DonationEventPayload {
  return {
    donationId: donation.id,
    articleId: donation.articleId,
    userId: donation.userId,
    amount: donation.amount,
    currency: donation.currency,
    frequency: donation.frequency,
    occurredAt: at.toISOString(),
  };
}

/**
 * Applies verified Stripe events exactly once: the event id is claimed in the
 * same transaction as its effects, donation rows are locked while changed,
 * and subscription states are re-read from Stripe rather than trusted from a
 * payload that may be stale or out of order.
 */
@Injectable()
export class StripeWebhookService {
  private readonly logger = new Logger(StripeWebhookService.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly stripe: StripeConnection,
    private readonly donations: DonationsRepository,
    private readonly records: StripeRecordsRepository,
    private readonly membership: SupporterMembershipService,
    private readonly events: DomainEvents,
  ) {}

  async receive(rawBody: Buffer | undefined, signature: string | string[] | undefined): Promise<void> {
    const event = this.stripe.verifyEvent(rawBody, signature);
    const problem = whyUnprocessable(event);
    if (problem) return this.acknowledgeUnprocessable(event, problem);
    if (!isHandledEvent(event.type)) return;
    try {
      await this.process(event);
    } catch (error) {
      if (!isPermanentEventFailure(error)) throw error;
      this.logger.warn({ err: error }, 'Stripe event failed on its payload');
      await this.acknowledgeUnprocessable(event, 'its payload does not fit what the handler reads');
    }
  }

  private async process(event: Stripe.Event): Promise<void> {
    const facts = await this.readFromStripe(event);
    await this.unitOfWork.run(async () => {
      if (!(await this.records.claimEvent(event.id, event.type))) return;
      const outcome = await this.apply(event, facts);
      if (outcome !== 'applied') this.logger.warn({ eventId: event.id, type: event.type, outcome }, 'Stripe event changed nothing');
      await this.records.finishEvent(event.id, outcome);
    });
  }

  /**
   * A signed event that can never be processed is answered 2xx, as Stripe
   * expects, so it is not retried for days into the same failure. It is
   * logged, and recorded when its id can be, so a redelivery is a no-op.
   */
  private async acknowledgeUnprocessable(event: Stripe.Event, problem: string): Promise<void> {
    const identity = recordableIdentity(event);
    this.logger.warn({ eventId: identity?.id, type: identity?.type, problem }, 'Signed Stripe event cannot be processed; acknowledged without effect');
    if (!identity) return;
    await this.unitOfWork.run(async () => {
      if (await this.records.claimEvent(identity.id, identity.type)) {
        await this.records.finishEvent(identity.id, `ignored: malformed event: ${problem}`);
      }
    });
  }

  private async readFromStripe(event: Stripe.Event): Promise<StripeFacts> {
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded': {
        const subscriptionId = idOf(event.data.object.subscription);
        return subscriptionId ? { subscription: await this.readSubscription(subscriptionId) } : {};
      }
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
        return { subscription: await this.readSubscription(event.data.object.id) };
      case 'invoice.paid':
        return { paymentIntentId: await this.paymentIntentOf(event.data.object) };
      default:
        return {};
    }
  }

  /** Null when Stripe no longer knows the subscription (a permanent miss); a transient failure makes Stripe retry. */
  private async readSubscription(id: string): Promise<SubscriptionRead | null> {
    const requestedAt = new Date();
    try {
      return { subscription: await this.stripe.client.subscriptions.retrieve(id), requestedAt };
    } catch (error) {
      if (isStripeNotFound(error)) return null;
      throw this.retryLater(error);
    }
  }

  /** The PaymentIntent that paid an invoice, so a later refund or dispute finds its donation. */
  private async paymentIntentOf(invoice: Stripe.Invoice): Promise<string | null> {
    const paidBy = (payments: Stripe.InvoicePayment[]) =>
      idOf(payments.find((payment) => payment.status === 'paid' && payment.payment.payment_intent)?.payment.payment_intent);
    if (invoice.payments) return paidBy(invoice.payments.data);
    if (!invoice.id) return null;
    try {
      return paidBy((await this.stripe.client.invoicePayments.list({ invoice: invoice.id, limit: 10 })).data);
    } catch (error) {
      throw this.retryLater(error);
    }
  }

  private retryLater(error: unknown): AppError {
    this.logger.warn({ stripe: describeStripeError(error) }, 'Stripe read failed while handling a webhook; Stripe will retry');
    const mapped = toProviderError(error);
    return mapped.code === 'PAYMENT_PROVIDER_UNAVAILABLE' ? mapped : new AppError('PAYMENT_PROVIDER_UNAVAILABLE', mapped.detail);
  }

  private apply(event: Stripe.Event, facts: StripeFacts): Promise<Outcome> {
    const at = new Date(event.created * 1000);
    switch (event.type) {
      case 'checkout.session.completed':
        return this.checkoutCompleted(event.data.object, facts, checkoutIsPaid(event.data.object.payment_status), at);
      case 'checkout.session.async_payment_succeeded':
        return this.checkoutCompleted(event.data.object, facts, true, at);
      case 'checkout.session.async_payment_failed':
        return this.checkoutClosed(event.data.object, 'failed');
      case 'checkout.session.expired':
        return this.checkoutClosed(event.data.object, 'expired');
      case 'invoice.paid':
        return this.invoicePaid(event.data.object, facts, at);
      case 'invoice.payment_failed':
        return this.invoicePaymentFailed(event.data.object);
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
        return this.subscriptionChanged(facts);
      case 'charge.refunded':
        return this.chargeRefunded(event.data.object);
      case 'charge.dispute.created':
      case 'charge.dispute.closed':
        return this.disputeChanged(event.data.object);
      default:
        return Promise.resolve('ignored: event type not handled');
    }
  }

  private lockDonation(id: string | null | undefined): Promise<Donation | null> {
    return isDonationId(id) ? this.donations.lockById(id) : Promise.resolve(null);
  }

  private async checkoutCompleted(
    session: Stripe.Checkout.Session,
    facts: StripeFacts,
    paid: boolean,
    at: Date,
  ): Promise<Outcome> {
    const donation = await this.lockDonation(session.client_reference_id ?? session.metadata?.donationId);
    if (!donation) return 'ignored: no donation for this Checkout Session';
    await this.donations.link(donation, {
      stripeCheckoutSessionId: session.id,
      stripePaymentIntentId: idOf(session.payment_intent),
      stripeSubscriptionId: idOf(session.subscription),
    });
    if (facts.subscription) await this.storeSubscription(facts.subscription, donation);
    if (!paid) return 'applied';
    if (await this.donations.markSucceeded(donation, at)) {
      const periodEnd = facts.subscription ? periodEndOf(facts.subscription.subscription) : null;
      await this.membership.grantFor(donation, at, periodEnd);
      await this.announce('donation.succeeded', donation, donation.amount, at);
    }
    return 'applied';
  }

  private async checkoutClosed(session: Stripe.Checkout.Session, status: 'failed' | 'expired'): Promise<Outcome> {
    const donation = await this.lockDonation(session.client_reference_id ?? session.metadata?.donationId);
    if (!donation) return 'ignored: no donation for this Checkout Session';
    await this.donations.link(donation, { stripeCheckoutSessionId: session.id });
    return (await this.donations.closeIfPending(donation, status)) ? 'applied' : 'ignored: the donation is already settled';
  }

  /** The donation whose Checkout created a subscription: by the metadata it carries, else by the subscription id. */
  private async originalDonation(donationId: string | undefined, subscriptionId: string): Promise<Donation | null> {
    const byMetadata = await this.lockDonation(donationId);
    if (byMetadata) return byMetadata;
    const known = await this.records.findSubscription(subscriptionId);
    return known ? this.lockDonation(known.donationId) : null;
  }

  private async invoicePaid(invoice: Stripe.Invoice, facts: StripeFacts, at: Date): Promise<Outcome> {
    const details = invoice.parent?.subscription_details;
    if (!details || !invoice.id) return 'ignored: not a subscription invoice';
    const subscriptionId = idOf(details.subscription) as string;
    const original = await this.originalDonation(details.metadata?.donationId, subscriptionId);
    if (!original) return 'ignored: no donation for this subscription';
    await this.donations.link(original, { stripeSubscriptionId: subscriptionId });
    const paidAt = fromUnix(invoice.status_transitions?.paid_at) ?? at;
    const periodEnd = invoicePeriodEnd(invoice);

    const kind = paidInvoiceKind(invoice, original);
    if (kind === 'first') {
      await this.donations.link(original, { stripeInvoiceId: invoice.id, stripePaymentIntentId: facts.paymentIntentId });
      if (await this.donations.markSucceeded(original, paidAt)) {
        await this.membership.grantFor(original, paidAt, periodEnd);
        await this.announce('donation.succeeded', original, original.amount, paidAt);
      }
      return 'applied';
    }
    if (kind === 'nothing paid') return 'ignored: nothing was paid';
    const renewal = await this.donations.recordRenewalPaid(
      { original, stripeInvoiceId: invoice.id, stripePaymentIntentId: facts.paymentIntentId ?? null, amount: invoice.amount_paid, currency: invoice.currency },
      paidAt,
    );
    if (!renewal) return 'ignored: the renewal is already recorded';
    await this.membership.grantFor(renewal, paidAt, periodEnd);
    await this.announce('donation.succeeded', renewal, renewal.amount, paidAt);
    return 'applied';
  }

  private async invoicePaymentFailed(invoice: Stripe.Invoice): Promise<Outcome> {
    const details = invoice.parent?.subscription_details;
    if (!details || !invoice.id) return 'ignored: not a subscription invoice';
    const subscriptionId = idOf(details.subscription) as string;
    const original = await this.originalDonation(details.metadata?.donationId, subscriptionId);
    if (!original) return 'ignored: no donation for this subscription';
    await this.donations.link(original, { stripeSubscriptionId: subscriptionId });
    const kind = failedInvoiceKind(invoice);
    if (kind === 'first') {
      return (await this.donations.closeIfPending(original, 'failed')) ? 'applied' : 'ignored: the donation is already settled';
    }
    if (kind === 'nothing due') return 'ignored: nothing was due';
    await this.donations.recordRenewalFailed({
      original,
      stripeInvoiceId: invoice.id,
      stripePaymentIntentId: null,
      amount: invoice.amount_due,
      currency: invoice.currency,
    });
    await this.events.publish('donation.renewal_failed', {
      ...donationFacts(original, new Date()),
      amount: invoice.amount_due,
      currency: invoice.currency,
      invoiceId: invoice.id,
    });
    return 'applied';
  }

  private async subscriptionChanged(facts: StripeFacts): Promise<Outcome> {
    if (!facts.subscription) return 'ignored: Stripe no longer knows this subscription';
    const { subscription } = facts.subscription;
    const original = await this.originalDonation(subscription.metadata?.donationId, subscription.id);
    if (!original) return 'ignored: no donation for this subscription';
    await this.donations.link(original, { stripeSubscriptionId: subscription.id });
    return (await this.storeSubscription(facts.subscription, original)) ? 'applied' : 'ignored: a newer state is stored';
  }

  /** Upserts the subscription under its row lock; only the newest read changes renewal flags and the donation's status. */
  private async storeSubscription(read: SubscriptionRead, original: Donation): Promise<boolean> {
    const { subscription } = read;
    const stored = await this.records.saveSubscriptionState({
      id: subscription.id,
      donationId: original.id,
      userId: original.userId,
      stripeCustomerId: idOf(subscription.customer),
      status: subscription.status,
      cancelAtPeriodEnd: subscription.cancel_at_period_end,
      currentPeriodEnd: periodEndOf(subscription),
      canceledAt: fromUnix(subscription.canceled_at),
      syncedAt: read.requestedAt,
    });
    if (!stored) return false;
    await this.membership.setRenewing(subscription.id, subscriptionRenews(subscription.status, subscription.cancel_at_period_end));
    if (subscriptionEndsDonation(subscription.status, original.status)) {
      await this.donations.setStatus(original.id, 'canceled');
    }
    return true;
  }

  private async chargeRefunded(charge: Stripe.Charge): Promise<Outcome> {
    const paymentIntentId = idOf(charge.payment_intent);
    const donation = paymentIntentId ? await this.donations.lockByPaymentIntent(paymentIntentId) : null;
    if (!donation) return 'ignored: no donation for this payment';
    const effect = refundEffect(charge.refunded, donation.status);
    await this.donations.recordRefund(donation, charge.amount_refunded, charge.refunded);
    if (effect.revoke) await this.membership.revokeFor(donation.id);
    if (effect.announce) await this.announce('donation.refunded', donation, donation.refundedAmount, new Date());
    return 'applied';
  }

  /** Tells the other modules (outbound webhooks, receipts) in this transaction, after the donation's own rows changed. */
  private announce(type: 'donation.succeeded' | 'donation.refunded', donation: Donation, amount: number, at: Date): Promise<void> {
    return this.events.publish(type, {
      donationId: donation.id,
      articleId: donation.articleId,
      userId: donation.userId,
      amount,
      currency: donation.currency,
      frequency: donation.frequency,
      occurredAt: at.toISOString(),
    });
  }

  private async disputeChanged(dispute: Stripe.Dispute): Promise<Outcome> {
    const paymentIntentId = idOf(dispute.payment_intent);
    const donation = paymentIntentId ? await this.donations.lockByPaymentIntent(paymentIntentId) : null;
    if (!donation) return 'ignored: no donation for this payment';
    const effect = disputeEffect(dispute.status, donation.disputeStatus);
    if (effect === null) return 'ignored: the dispute is already closed';
    await this.donations.recordDispute(donation, { id: dispute.id, status: effect.record, amount: dispute.amount });
    if (effect.revoke) await this.membership.revokeFor(donation.id);
    return 'applied';
  }
}
