import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { AuthService } from '../auth/auth.service';
import { AppError } from '../common/errors/app-error';
import { DomainEvents } from '../common/events/domain-events';
import { AccountHooks } from '../common/hooks/account-hooks';
import { UnitOfWork } from '../database/unit-of-work';
import { JobQueue } from '../notifications/jobs/job-queue';
import { maskedEmail } from '../users/masked-email';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { TokenPurpose } from './account-token.entity';
import { AccountTokensRepository } from './account-tokens.repository';
import { hashToken, MailLinks, newToken } from './mail-links';
import { MailOutbox } from './mail-outbox.service';
import { emailChangedNoticeMail, passwordResetMail, sanctionMail, verificationMail } from './templates/account.templates';

export const PASSWORD_RESET_JOB = 'mail.password-reset';
const HOUR_MS = 60 * 60 * 1000;
export const RESET_TOKEN_TTL_MS = HOUR_MS;
export const VERIFY_TOKEN_TTL_MS = 24 * HOUR_MS;
/** Verification e-mails a reader may ask for per hour (`POST /me/email-verification`, `PUT /me/email`). */
export const VERIFICATION_REQUESTS_PER_HOUR = 3;
/** Reset e-mails per address per hour; requests beyond it are answered the same and send nothing. */
export const RESETS_PER_ADDRESS_PER_HOUR = 3;

/**
 * Account e-mails: verification (on registration, on request, for a new address), password reset, and ban and
 * suspension notices. Tokens are 256 random bits, stored as SHA-256 only, bound to a purpose and the address they
 * were sent to, single use and expiring.
 */
@Injectable()
export class AccountMailService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: AccountTokensRepository,
    private readonly outbox: MailOutbox,
    private readonly links: MailLinks,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly jobs: JobQueue,
    @InjectThrottlerStorage() private readonly limits: ThrottlerStorage,
    events: DomainEvents,
    hooks: AccountHooks,
  ) {
    events.onInTransaction('user.registered', (event) => this.queueVerification(event.userId, event.email, false));
    events.onInTransaction('user.sanctioned', (event) => this.queueSanctionNotice(event.userId, event.action, event.until));
    jobs.define({ name: PASSWORD_RESET_JOB, retryLimit: 5, handler: (data) => this.sendPasswordReset((data as { email: string }).email) });
    hooks.onErase((userId) => this.tokens.deleteForUser(userId));
  }

  /**
   * `POST /auth/password-reset`: the same work whatever the address (count it, queue one job), so the answer and its
   * timing say nothing about whether an account exists; the job looks the address up.
   */
  async requestPasswordReset(email: string): Promise<void> {
    if (!(await this.allow(`reset:${addressKey(email)}`, RESETS_PER_ADDRESS_PER_HOUR))) return;
    await this.jobs.send(PASSWORD_RESET_JOB, { email });
  }

  /** The job: a reset link to the account that holds `email`, if one does. */
  async sendPasswordReset(email: string): Promise<void> {
    const user = await this.users.findActiveByEmail(email);
    if (!user?.email) return;
    const address = user.email;
    await this.unitOfWork.run(async () => {
      const { token, id } = await this.issue(user.id, 'reset_password', address, RESET_TOKEN_TTL_MS);
      await this.outbox.queue({
        idempotencyKey: `reset:${id}`,
        kind: 'password_reset',
        userId: user.id,
        to: address,
        mail: passwordResetMail({ displayName: user.displayName ?? '', resetUrl: this.links.resetPassword(token) }),
      });
    });
  }

  /** `POST /auth/password-reset/confirm`: the password changes, every session ends, the other reset links die. */
  async confirmPasswordReset(token: string, password: string): Promise<void> {
    const passwordHash = await this.users.hashPassword(password);
    await this.unitOfWork.runRetried(async () => {
      const found = await this.useToken(token, 'reset_password');
      await this.users.setPasswordHash(found.userId, passwordHash);
      await this.auth.endAllSessions(found.userId, 'password_reset');
      await this.tokens.retireOthers(found.userId, 'reset_password');
      // The link reached the address: it is confirmed too.
      await this.users.markEmailVerified(found.userId, found.address);
    });
  }

  /** `POST /auth/verify-email`: the address the token was sent to becomes the account's verified address. */
  async verifyEmail(token: string): Promise<void> {
    await this.unitOfWork.runRetried(async () => {
      const found = await this.useToken(token, 'verify_email');
      const user = await this.users.findActive(found.userId);
      if (user.email?.toLowerCase() === found.address.toLowerCase()) {
        await this.users.markEmailVerified(user.id, found.address);
        return;
      }
      await this.users.changeEmail(user.id, found.address);
      await this.tokens.retireOthers(user.id, 'verify_email');
      await this.tokens.retireOthers(user.id, 'reset_password');
      if (user.email) {
        await this.outbox.queue({
          idempotencyKey: `email-changed:${found.id}`,
          kind: 'email_changed',
          userId: user.id,
          to: user.email,
          mail: emailChangedNoticeMail({ displayName: user.displayName ?? '', newAddressMasked: maskedEmail(found.address) }),
        });
      }
    });
  }

  /** `POST /me/email-verification`: a new link to the current address (nothing to send once it is verified). */
  async requestVerification(userId: string): Promise<void> {
    await this.limitVerificationRequests(userId);
    const user = await this.users.findActive(userId);
    if (!user.email || user.emailVerifiedAt) return;
    const address = user.email;
    await this.unitOfWork.run(async () => {
      await this.users.lockActiveAccount(userId);
      await this.queueVerification(userId, address, false);
    });
  }

  /** `PUT /me/email`: a link to the new address; the account keeps its address until the link is followed. */
  async requestEmailChange(userId: string, email: string, password: string): Promise<void> {
    if (!(await this.users.passwordMatches(userId, password))) throw new AppError('INVALID_CREDENTIALS', 'The password is wrong');
    if (await this.users.emailTakenByAnother(userId, email)) throw new AppError('EMAIL_TAKEN', 'An account with this email already exists');
    await this.limitVerificationRequests(userId);
    const user = await this.users.findActive(userId);
    if (user.email?.toLowerCase() === email.toLowerCase() && user.emailVerifiedAt) return;
    await this.unitOfWork.run(async () => {
      await this.users.lockActiveAccount(userId);
      await this.queueVerification(userId, email, user.email?.toLowerCase() !== email.toLowerCase());
    });
  }

  private async queueVerification(userId: string, address: string, change: boolean): Promise<void> {
    const user = await this.users.findActive(userId);
    const { token, id } = await this.issue(userId, 'verify_email', address, VERIFY_TOKEN_TTL_MS);
    await this.outbox.queue({
      idempotencyKey: `verify:${id}`,
      kind: change ? 'email_change' : 'verification',
      userId,
      to: address,
      mail: verificationMail({ displayName: user.displayName ?? '', verifyUrl: this.links.verifyEmail(token), change }),
    });
  }

  private async queueSanctionNotice(userId: string, action: 'banned' | 'suspended', until: string | null): Promise<void> {
    const [user] = await this.users.findAccounts([userId]);
    if (!user?.email) return;
    await this.outbox.queue({
      idempotencyKey: `sanction:${userId}:${action}:${until ?? Date.now()}`,
      kind: action === 'banned' ? 'ban' : 'suspension',
      userId,
      to: user.email,
      mail: sanctionMail({ displayName: displayNameOf(user), action, until, guidelinesUrl: this.links.guidelines() }),
    });
  }

  private async issue(userId: string, purpose: TokenPurpose, address: string, ttlMs: number): Promise<{ token: string; id: string }> {
    const { token, hash } = newToken();
    const id = await this.tokens.insert({ userId, purpose, address, hash, expiresAt: new Date(Date.now() + ttlMs) });
    return { token, id };
  }

  /** Finds the live token, takes its reader's account lock (the first lock of every write), then uses it once. */
  private async useToken(token: string, purpose: TokenPurpose): Promise<{ id: string; userId: string; address: string }> {
    const found = await this.tokens.findLive(hashToken(token), purpose);
    if (!found) throw invalidToken();
    if (!(await this.users.lockActiveAccount(found.userId).then(() => true, () => false))) throw invalidToken();
    if (!(await this.tokens.consume(found.id))) throw invalidToken();
    return found;
  }

  private async limitVerificationRequests(userId: string): Promise<void> {
    const record = await this.limits.increment(`mail-verify:${userId}`, HOUR_MS, VERIFICATION_REQUESTS_PER_HOUR, HOUR_MS, 'mail');
    if (record.isBlocked) {
      throw new AppError('RATE_LIMITED', `At most ${VERIFICATION_REQUESTS_PER_HOUR} verification e-mails an hour`, undefined, {
        'Retry-After': String(record.timeToBlockExpire),
      });
    }
  }

  private async allow(key: string, perHour: number): Promise<boolean> {
    const record = await this.limits.increment(key, HOUR_MS, perHour, HOUR_MS, 'mail');
    return !record.isBlocked;
  }
}

function invalidToken(): AppError {
  return new AppError('INVALID_TOKEN', 'The link is unknown, already used or expired');
}

/** Counters keyed by address never hold the address itself. */
function addressKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
}

export function displayNameOf(user: User): string {
  return user.displayName ?? '';
}
