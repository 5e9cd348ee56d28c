import { SetMetadata } from '@nestjs/common';

export const RATE_LIMIT_KIND_KEY = 'margin:rate-limit-kind';

/** Which configured limit applies: `auth` (login, register), `comment` (posting), `checkout` (card testing). */
export type RateLimitKind = 'auth' | 'comment' | 'checkout';

export const RateLimit = (kind: RateLimitKind) => SetMetadata(RATE_LIMIT_KIND_KEY, kind);

/** The stricter limit for credential endpoints. */
export const StrictRateLimit = () => RateLimit('auth');
