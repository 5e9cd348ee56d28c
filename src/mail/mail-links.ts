import { Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ACTIVITY_TYPES, ActivityType } from './notification-settings.repository';

/** What an unsubscribe link switches off: one activity type, or every one (a digest's link). */
export type UnsubscribeScope = ActivityType | 'all';

/** A fresh random token for an e-mailed link, and the SHA-256 that is all the database keeps of it. */
export function newToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Every address an e-mail links to, built on PUBLIC_SITE_URL: the site's pages for verification and reset (they
 * call the API with the `token`), the comment's own page, and the API's one-click unsubscribe. Unsubscribe tokens
 * are HMAC-signed (reader and scope) rather than stored: they must keep working for as long as the e-mail lives.
 */
@Injectable()
export class MailLinks {
  private readonly base: string;
  private readonly unsubscribeKey: Buffer;

  constructor(config: AppConfig) {
    this.base = config.publicSiteUrl;
    this.unsubscribeKey = createHash('sha256').update(`margin-unsubscribe\u0000${config.jwtSecret}`).digest();
  }

  verifyEmail(token: string): string {
    return `${this.base}/verify-email?token=${encodeURIComponent(token)}`;
  }

  resetPassword(token: string): string {
    return `${this.base}/reset-password?token=${encodeURIComponent(token)}`;
  }

  settings(): string {
    return `${this.base}/account/notifications`;
  }

  billing(): string {
    return `${this.base}/account/donations`;
  }

  guidelines(): string {
    return `${this.base}/community-guidelines`;
  }

  site(): string {
    return this.base;
  }

  /** The comment on its article's page (the embed's deep link), or the site when the article is unknown. */
  comment(articleUrl: string | null, commentId: string): string {
    return `${articleUrl ?? this.base}#margin-comment-${commentId}`;
  }

  unsubscribe(userId: string, scope: UnsubscribeScope): string {
    return `${this.base}/api/v1/email/unsubscribe?token=${this.unsubscribeToken(userId, scope)}`;
  }

  unsubscribeToken(userId: string, scope: UnsubscribeScope): string {
    const payload = Buffer.from(`${userId}.${scope}`, 'utf8').toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The reader and scope an unsubscribe token names, or null when it is not one of ours. */
  readUnsubscribeToken(token: string): { userId: string; scope: UnsubscribeScope } | null {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const [userId, scope] = Buffer.from(payload, 'base64url').toString('utf8').split('.');
    if (!userId || !(scope === 'all' || (ACTIVITY_TYPES as readonly string[]).includes(scope))) return null;
    return { userId, scope: scope as UnsubscribeScope };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.unsubscribeKey).update(payload).digest('base64url').slice(0, 32);
  }
}
