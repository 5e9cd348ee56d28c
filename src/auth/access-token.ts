import { Role } from '../common/auth/role';

export const ACCESS_TOKEN_ISSUER = 'margin';
export const ACCESS_TOKEN_AUDIENCE = 'margin-api';

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  sid: string;
  /** Set by the signer. */
  iat?: number;
}
