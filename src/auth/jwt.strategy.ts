import { Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { isDatabaseUnavailable, serviceUnavailable } from '../common/errors/database-unavailable';
import { AppConfig } from '../config/app-config';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AccessTokenClaims } from './access-token';
import { SessionsRepository } from './sessions.repository';

/**
 * Every authenticated request re-checks its session, so logout and bans act at once.
 * When the session cannot be checked because the database is down, the answer is
 * a 503, never "not signed in": a client that hears 401 throws its tokens away.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly sessions: SessionsRepository,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject spares jsonwebtoken from re-deriving (and first mis-parsing as a public key) the secret on every request.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret)) as unknown as string,
      algorithms: ['HS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<AuthenticatedUser | false> {
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return false;
    try {
      const user = await this.sessions.findLiveSessionUser(claims.sid, claims.sub);
      return user ? { ...user, issuedAt: claims.iat } : false;
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw serviceUnavailable();
      throw error;
    }
  }
}
