import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { AuthResultView } from '../auth/dto/auth.dto';
import { AppError } from '../common/errors/app-error';
import { AccountHooks, NewsroomAccountConfirmation } from '../common/hooks/account-hooks';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { SupporterMembershipService } from '../donations/supporter-membership.service';
import { maskedEmail } from '../users/masked-email';
import { UsersService } from '../users/users.service';
import { displayNameCandidates, displayNameFrom, NewsroomClaims } from './newsroom-claims';
import { invalidToken, NewsroomTokenVerifier } from './newsroom-token.verifier';
import { IdentityRow, SsoRepository } from './sso.repository';
import { ssoMetrics } from './sso.metrics';

/**
 * One identity service per site: links are kept under this name rather than the issuer URL, so a
 * newsroom that moves its identity service to a new address keeps its readers' accounts.
 */
export const NEWSROOM_PROVIDER = 'newsroom';
const PURGE_EVERY = 20;

function sameAddress(a: string | null, b: string | null): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/**
 * Newsroom sign-in: a verified newsroom token becomes a Margin session, the same kind a password
 * sign-in starts (refresh rotation, logout, bans end it). Whatever the site's other settings, the
 * account is created on first use; roles never come from the token.
 */
@Injectable()
export class SsoService implements OnModuleInit, NewsroomAccountConfirmation {
  private readonly logger = new Logger(SsoService.name);

  constructor(
    private readonly verifier: NewsroomTokenVerifier,
    private readonly repository: SsoRepository,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly supporters: SupporterMembershipService,
    private readonly unitOfWork: UnitOfWork,
    private readonly hooks: AccountHooks,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.hooks.onErase((userId) => this.repository.deleteIdentitiesOf(userId));
  }

  async signIn(token: string): Promise<AuthResultView> {
    try {
      const claims = await this.verifier.verify(token);
      const result = await this.unitOfWork.runRetried(async () => {
        if (claims.jti) await this.consumeJti(claims.jti, claims.expiresAt);
        const userId = await this.accountFor(claims);
        if (claims.supporterUntil !== undefined) await this.supporters.setNewsroomSupporterUntil(userId, claims.supporterUntil);
        return this.auth.signInAs(userId);
      });
      ssoMetrics.exchanges.inc({ outcome: 'signed_in' });
      return result;
    } catch (error) {
      if (error instanceof AppError) ssoMetrics.exchanges.inc({ outcome: outcomeOf(error) });
      throw error;
    }
  }

  /**
   * Erasure of an account made by newsroom sign-in (no password): a fresh token of the linked subject
   * confirms it. A token that is not valid, or whose `jti` was used, confirms nothing; an unreachable
   * key set is still a 503.
   */
  async confirmsAccount(userId: string, token: string): Promise<boolean> {
    try {
      const claims = await this.verifier.verify(token);
      return await this.unitOfWork.run(async () => {
        const identity = await this.repository.findIdentity(NEWSROOM_PROVIDER, claims.subject);
        if (identity?.userId !== userId) return false;
        if (claims.jti) await this.consumeJti(claims.jti, claims.expiresAt);
        return true;
      });
    } catch (error) {
      if (error instanceof AppError && (error.code === 'INVALID_SSO_TOKEN' || error.code === 'SSO_NOT_CONFIGURED')) return false;
      throw error;
    }
  }

  /** A token with a `jti` is accepted once: the id is kept until the token could no longer be used anyway. */
  private async consumeJti(jti: string, expiresAt: Date): Promise<void> {
    const keptUntil = new Date(expiresAt.getTime() + (this.config.sso?.clockSkewSeconds ?? 0) * 1000);
    if (!(await this.repository.consumeJti(jti, keptUntil))) throw invalidToken('its "jti" was already used');
    // One exchange in PURGE_EVERY clears up to 100 expired ids: more than arrive meanwhile, one statement fewer for the rest.
    if (Math.random() < 1 / PURGE_EVERY) await this.repository.purgeExpiredJtis();
  }

  /** The account the token's subject signs in to: its linked one, a local one it may link to, or a new one. */
  private async accountFor(claims: NewsroomClaims): Promise<string> {
    await this.repository.lockSubject(NEWSROOM_PROVIDER, claims.subject);
    const identity = await this.repository.findIdentity(NEWSROOM_PROVIDER, claims.subject);
    if (identity && (await this.lockLinkedAccount(identity.userId))) {
      await this.refreshProfile(identity, claims);
      return identity.userId;
    }
    if (claims.email) {
      const local = await this.users.findActiveByEmail(claims.email);
      if (local) return this.linkLocalAccount(local.id, local.emailVerifiedAt !== null, claims);
    }
    const user = await this.users.createNewsroomAccount({
      email: claims.email,
      emailVerified: claims.emailVerified,
      nameCandidates: displayNameCandidates(displayNameFrom(claims.name, claims.subject)),
    });
    await this.repository.link(NEWSROOM_PROVIDER, claims.subject, user.id, { email: claims.email, name: seenName(claims) });
    return user.id;
  }

  /** The account lock every write by a reader takes first; false when the account was erased meanwhile (a new one is made). */
  private async lockLinkedAccount(userId: string): Promise<boolean> {
    try {
      await this.users.lockActiveAccount(userId);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'UNAUTHENTICATED') return false;
      throw error;
    }
  }

  /**
   * Only when both sides vouch for the address (the token says `email_verified: true`, and the
   * local account confirmed it) is it the same person; the account keeps its name and password.
   * Anything else would let whoever controls a newsroom account take over a Margin one.
   */
  private async linkLocalAccount(userId: string, localVerified: boolean, claims: NewsroomClaims): Promise<string> {
    if (!claims.emailVerified || !localVerified || (await this.repository.isLinked(userId, NEWSROOM_PROVIDER))) {
      throw new AppError('EMAIL_TAKEN', 'A Margin account already uses this e-mail address and cannot be linked to this newsroom sign-in');
    }
    await this.users.lockActiveAccount(userId);
    await this.repository.link(NEWSROOM_PROVIDER, claims.subject, userId, { email: claims.email, name: seenName(claims) });
    this.logger.log(`Linked a newsroom sign-in to the existing account ${userId} by its verified address ${maskedEmail(claims.email ?? '')}`);
    return userId;
  }

  /**
   * A later token changes the profile only where the newsroom's claims changed since the last one,
   * so a name the reader picked in Margin stays until the newsroom's own changes. A new address
   * another account holds, or a name no suffix frees, is left as it was (and tried again next time).
   */
  private async refreshProfile(identity: IdentityRow, claims: NewsroomClaims): Promise<void> {
    const name = seenName(claims);
    const nameChanged = name !== null && name !== identity.claimedName;
    const emailChanged = claims.email !== null && !sameAddress(claims.email, identity.claimedEmail);
    const applied = await this.users.applyNewsroomProfile(identity.userId, {
      nameCandidates: nameChanged && name !== null ? displayNameCandidates(name) : undefined,
      email: emailChanged && claims.email ? { address: claims.email, verified: claims.emailVerified } : undefined,
    });
    if (emailChanged && !applied.email) {
      this.logger.warn(`A newsroom sign-in for account ${identity.userId} carries ${maskedEmail(claims.email ?? '')}, which another account holds; the address was not changed`);
    }
    if (!emailChanged && claims.email && claims.emailVerified) await this.users.markEmailVerified(identity.userId, claims.email);
    const seen = {
      email: applied.email ? claims.email : identity.claimedEmail,
      name: nameChanged && !applied.displayName ? identity.claimedName : (name ?? identity.claimedName),
    };
    if (seen.email !== identity.claimedEmail || seen.name !== identity.claimedName) {
      await this.repository.recordClaims(NEWSROOM_PROVIDER, claims.subject, seen);
    }
  }
}

/** The `name` claim as the display name it gives (what is stored and compared: raw claims may hold what PostgreSQL cannot store). */
function seenName(claims: NewsroomClaims): string | null {
  return claims.name === null ? null : displayNameFrom(claims.name, claims.subject);
}

function outcomeOf(error: AppError): string {
  switch (error.code) {
    case 'INVALID_SSO_TOKEN':
      return 'invalid';
    case 'SSO_KEYS_UNAVAILABLE':
      return 'keys_unavailable';
    case 'EMAIL_TAKEN':
      return 'email_taken';
    case 'SSO_NOT_CONFIGURED':
      return 'not_configured';
    default:
      return 'error';
  }
}
