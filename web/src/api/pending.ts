/**
 * PENDING ENDPOINTS — typed by hand from ../shared/API.md, because they are being built on other
 * branches and are not in the committed openapi.json yet. Once they are merged, switch each function
 * to the generated client (`connection.api.GET(...)`) and delete its hand-written types.
 * (E-mail verification, password reset and notification settings are not called by the front ends yet.)
 *
 * Every caller must degrade gracefully when the server answers 404 (the endpoint does not exist
 * there): `isMissing(problem)` tells them apart from a 404 about the thing asked for.
 */
import { ApiProblem, type Connection, type User } from './connection';

/** The endpoint itself is absent on this server (as opposed to a known resource that is not found). */
export function isMissing(problem: unknown): boolean {
  return problem instanceof ApiProblem && (problem.status === 404 || problem.status === 405) && ['NOT_FOUND', 'HTTP_404', 'METHOD_NOT_ALLOWED', 'SSO_NOT_CONFIGURED'].includes(problem.code);
}

// Newsroom sign-in: POST /auth/sso {token} → {user, accessToken, refreshToken}; 404 SSO_NOT_CONFIGURED.
export function exchangeSsoToken(connection: Connection, token: string) {
  return connection.request<{ user: User; accessToken: string; refreshToken: string }>('POST', '/api/v1/auth/sso', { token });
}
