import { Injectable } from '@nestjs/common';
import { SupporterStatus, SupporterStatusProvider } from '../common/hooks/account-hooks';
import { AppConfig } from '../config/app-config';
import { Donation } from './donation.entity';
import { SupporterEntitlementsRepository } from './supporter-entitlements.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Used only when Stripe did not tell the paid period's end. */
const FALLBACK_PERIOD_DAYS = { monthly: 31, annual: 366 } as const;

/**
 * Supporter status: what each payment of a signed-in donor grants, and the
 * batch lookup the users and comments modules read through AccountHooks.
 */
@Injectable()
export class SupporterMembershipService implements SupporterStatusProvider {
  constructor(
    private readonly entitlements: SupporterEntitlementsRepository,
    private readonly config: AppConfig,
  ) {}

  supporterStatuses(userIds: string[]): Promise<Map<string, SupporterStatus>> {
    return this.entitlements.activeStatuses(userIds);
  }

  /** A one-off gift counts SUPPORTER_ONE_OFF_DAYS days; a recurring one until its paid period ends. */
  async grantFor(donation: Donation, paidAt: Date, paidPeriodEnd: Date | null): Promise<void> {
    if (!donation.userId) return;
    const recurring = donation.frequency !== 'one_off';
    const days = donation.frequency === 'one_off' ? this.config.supporterOneOffDays : FALLBACK_PERIOD_DAYS[donation.frequency];
    const validUntil = recurring && paidPeriodEnd ? paidPeriodEnd : new Date(paidAt.getTime() + days * DAY_MS);
    await this.entitlements.grant({ userId: donation.userId, donationId: donation.id, validFrom: paidAt, validUntil, recurring });
  }

  /**
   * The newsroom vouches that the reader subscribes until `until` (its sign-in token's
   * `supporter_until`): the same badge as a donation, through the same entitlements. A later
   * time extends it, a past time ends it; donations' own grants are left alone.
   */
  setNewsroomSupporterUntil(userId: string, until: Date): Promise<void> {
    return this.entitlements.setNewsroomGrant(userId, until);
  }

  /** A refund or a lost dispute ends what that payment granted. */
  revokeFor(donationId: string): Promise<void> {
    return this.entitlements.revokeForDonation(donationId);
  }

  setRenewing(subscriptionId: string, renewing: boolean): Promise<void> {
    return this.entitlements.setRenewingForSubscription(subscriptionId, renewing);
  }
}
