import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/app-error';
import { isDatabaseUnavailable, serviceUnavailable } from '../errors/database-unavailable';

/**
 * The decisions of the global authentication guard (`JwtAuthGuard`), apart from Passport's token check.
 * API.md: "*public* works without [a token] (and may show more with it); … The CMS may call the endpoints marked
 * *cms* with `X-Api-Key: <CMS_API_KEY>` instead of an admin token"; 401 no or bad token.
 */
export type AuthenticationPlan =
  /** The request carries the CMS API key: it is the CMS client, no token is read. */
  | 'cms'
  /** A public route without a token: anonymous. */
  | 'anonymous'
  /** A public route with a token: read it when valid, ignore it when not (our own outage still fails). */
  | 'optional token'
  /** Every other route: a valid token or 401. */
  | 'required token';

export interface AuthenticationRequest {
  isPublic: boolean;
  acceptsCmsKey: boolean;
  authorization: unknown;
  apiKey: unknown;
  /** CMS_API_KEY, when set. */
  cmsApiKey: string | undefined;
}

export function authenticationPlan(request: AuthenticationRequest): AuthenticationPlan {
  const hasToken = typeof request.authorization === 'string';
  if (request.acceptsCmsKey && !hasToken) {
    const { apiKey, cmsApiKey } = request;
    if (typeof apiKey === 'string' && cmsApiKey && sameSecret(apiKey, cmsApiKey)) return 'cms';
    if (apiKey !== undefined) throw new AppError('UNAUTHENTICATED', 'The API key is not valid');
  }
  if (request.isPublic) return hasToken ? 'optional token' : 'anonymous';
  return 'required token';
}

/** Compares in constant time for equal lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The session check failed on our side (503), which says nothing about the token. */
export function isOurOutage(error: unknown): boolean {
  return (error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE') || isDatabaseUnavailable(error);
}

/** Passport's verdict: our outage is a 503, any other failure or no user a 401, else the user. */
export function acceptedUser<TUser>(error: unknown, user: TUser | false | null | undefined): TUser {
  if (isOurOutage(error)) throw error instanceof AppError ? error : serviceUnavailable();
  if (error || !user) throw new AppError('UNAUTHENTICATED', 'A valid access token is required');
  return user;
}
