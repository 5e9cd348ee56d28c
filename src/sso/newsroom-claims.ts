import { createHash } from 'node:crypto';
import { isEmail } from 'class-validator';
import type { JWTPayload } from 'jose';
import { isIsoDateTime } from '../common/validation/text-fields';
import { isPlainText } from '../common/validation/text-normalization';
import { withSuffix } from '../users/users.service';

/** The longest a newsroom token may live: `exp` at most this long after `iat` (and after now). */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
const MAX_ID_LENGTH = 255;

/** What Margin reads from a verified newsroom token. Roles are never among them. */
export interface NewsroomClaims {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** The `name` claim as sent (normalised later, when it becomes a display name). */
  name: string | null;
  /** `undefined`: the claim is absent (supporter status unchanged); a past time (or `null` sent) ends it. */
  supporterUntil: Date | undefined;
  jti: string | null;
  expiresAt: Date;
}

/** A claim that is missing or malformed; the exchange answers 401 INVALID_SSO_TOKEN with this reason. */
export class InvalidClaim extends Error {}

function identifier(value: unknown, claim: string, required: boolean): string | null {
  if (value === undefined && !required) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH || !isPlainText(value, { multiline: false })) {
    throw new InvalidClaim(`the "${claim}" claim must be a string of 1–${MAX_ID_LENGTH} printable characters`);
  }
  return value;
}

function emailVerified(value: unknown): boolean {
  // Some identity services (Cognito among them) send the flag as a string.
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new InvalidClaim('the "email_verified" claim must be a boolean');
}

function supporterUntil(value: unknown, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  if (value === null) return now;
  if (!isIsoDateTime(value)) throw new InvalidClaim('the "supporter_until" claim must be an ISO-8601 time such as 2027-01-31T00:00:00Z');
  return new Date(value);
}

/**
 * Reads the claims of a token whose signature, issuer, audience and expiry jose has checked:
 * `sub` and `exp` required, `exp` at most an hour after `iat` (and after now, for a token
 * without `iat`), `iat` not in the future beyond the allowed skew.
 */
export function readNewsroomClaims(payload: JWTPayload, now: Date, skewSeconds: number): NewsroomClaims {
  const subject = identifier(payload.sub, 'sub', true) as string;
  if (typeof payload.exp !== 'number') throw new InvalidClaim('the "exp" claim is required');
  const nowSeconds = now.getTime() / 1000;
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number') throw new InvalidClaim('the "iat" claim must be a number');
    if (payload.iat > nowSeconds + skewSeconds) throw new InvalidClaim('the "iat" claim is in the future');
    if (payload.exp - payload.iat > MAX_TOKEN_LIFETIME_SECONDS) throw new InvalidClaim('"exp" is more than one hour after "iat"');
  }
  if (payload.exp > nowSeconds + MAX_TOKEN_LIFETIME_SECONDS + skewSeconds) throw new InvalidClaim('"exp" is more than one hour away');

  let email: string | null = null;
  if (payload.email !== undefined && payload.email !== null) {
    if (typeof payload.email !== 'string' || payload.email.length > 254 || !isEmail(payload.email.trim())) {
      throw new InvalidClaim('the "email" claim must be an e-mail address');
    }
    email = payload.email.trim();
  }
  let name: string | null = null;
  if (payload.name !== undefined && payload.name !== null) {
    if (typeof payload.name !== 'string' || payload.name.length > 1000) throw new InvalidClaim('the "name" claim must be a string');
    name = payload.name;
  }
  return {
    subject,
    email,
    emailVerified: email !== null && emailVerified(payload.email_verified),
    name,
    supporterUntil: supporterUntil(payload.supporter_until, now),
    jti: identifier(payload.jti, 'jti', false),
    expiresAt: new Date(payload.exp * 1000),
  };
}

/** Every character a display name may not hold: controls, format, bidi, private use (see isCleanDisplayName). */
const NOT_FOR_NAMES = /\p{C}/gu;

/**
 * The display name a `name` claim gives, valid by the same rules as a chosen one: NFKC, the
 * characters names refuse dropped (a newsroom's name cannot be sent back for correction),
 * spaces collapsed, at most 40 characters. A missing or too short one is derived from the
 * subject ("Reader 1a2b3c"), never from the e-mail address.
 */
export function displayNameFrom(name: string | null, subject: string): string {
  const cleaned = [...(name ?? '').normalize('NFKC').replace(NOT_FOR_NAMES, ' ').replace(/\s+/g, ' ').trim()]
    .slice(0, 40)
    .join('')
    .trim();
  if ([...cleaned].length >= 2) return cleaned;
  return `Reader ${createHash('sha256').update(subject).digest('hex').slice(0, 6)}`;
}

/** The name itself, then "Name 2" … "Name 9": the first free one is taken. */
export function displayNameCandidates(base: string): string[] {
  return [base, ...Array.from({ length: 8 }, (_, index) => withSuffix(base, ` ${index + 2}`))];
}
