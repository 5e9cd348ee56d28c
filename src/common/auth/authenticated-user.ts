import { Role } from './role';

/** What the JWT strategy attaches to a request after checking the session is alive. */
export interface AuthenticatedUser {
  id: string;
  role: Role;
  sessionId: string;
  suspendedUntil: Date | null;
  bannedAt: Date | null;
  /** When the access token was issued (JWT `iat`, seconds): a fresh sign-in reads its own rows from the primary. */
  issuedAt?: number;
}

/** A request made with the CMS API key instead of a user token. */
export interface CmsClient {
  kind: 'cms';
}
