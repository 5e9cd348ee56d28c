import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Role } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';
import { AccountHooks } from '../common/hooks/account-hooks';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AccessTokenClaims } from './access-token';
import { AuthResultView, LoginDto, RegisterDto, TokenPairView } from './dto/auth.dto';
import { RefreshTokenCodec } from './refresh-token.codec';
import { SessionsRepository } from './sessions.repository';

const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class AuthService {
  private readonly refreshTokens: RefreshTokenCodec;

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsRepository,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    hooks: AccountHooks,
  ) {
    this.refreshTokens = new RefreshTokenCodec(config.jwtSecret);
    hooks.onErase((userId) => this.sessions.deleteAllForUser(userId));
  }

  async register(input: RegisterDto): Promise<AuthResultView> {
    const user = await this.users.createAccount(input);
    return this.startSession(user.id, user.role);
  }

  async login(input: LoginDto): Promise<AuthResultView> {
    const user = await this.users.findByCredentials(input.email, input.password);
    if (!user) throw new AppError('INVALID_CREDENTIALS', 'The email or password is wrong');
    return this.startSession(user.id, user.role);
  }

  /** A session for an account another way of signing in has vouched for (the newsroom's token); joins the caller's unit of work. */
  async signInAs(userId: string): Promise<AuthResultView> {
    const user = await this.users.findActive(userId);
    return this.startSession(user.id, user.role);
  }

  async refresh(refreshToken: string): Promise<TokenPairView> {
    const claims = this.refreshTokens.decode(refreshToken);
    if (!claims) throw new AppError('INVALID_REFRESH_TOKEN', 'The refresh token is not valid');
    const rotated = await this.sessions.rotate(claims.sessionId, claims.generation, this.refreshExpiry());
    if (!rotated) {
      // A correctly signed token that is not current was already used: someone
      // else may hold the newer one, so the whole session ends.
      await this.sessions.revoke(claims.sessionId, 'refresh_token_reuse');
      throw new AppError('INVALID_REFRESH_TOKEN', 'The refresh token was already used or the session has ended');
    }
    return this.issueTokens(rotated.userId, rotated.role, claims.sessionId, claims.generation + 1);
  }

  async logout(user: AuthenticatedUser, refreshToken: string): Promise<void> {
    const claims = this.refreshTokens.decode(refreshToken);
    await this.sessions.revoke(user.sessionId, 'logout');
    if (claims && claims.sessionId !== user.sessionId) {
      const owner = await this.sessions.findLiveSessionUser(claims.sessionId, user.id);
      if (owner) await this.sessions.revoke(claims.sessionId, 'logout');
    }
  }

  /** Ends every session of a reader at once (bans, role changes by staff); pass `manager` to do it in the caller's transaction. */
  endAllSessions(userId: string, reason: string): Promise<void> {
    return this.sessions.revokeAllForUser(userId, reason);
  }

  private async startSession(userId: string, role: Role): Promise<AuthResultView> {
    const session = await this.sessions.insertSession(userId, this.refreshExpiry());
    const [tokens, user] = await Promise.all([
      this.issueTokens(userId, role, session.id, session.generation),
      this.users.getMe(userId),
    ]);
    return { user, ...tokens };
  }

  private async issueTokens(userId: string, role: Role, sessionId: string, generation: number): Promise<TokenPairView> {
    const claims: AccessTokenClaims = { sub: userId, role, sid: sessionId };
    const accessToken = await this.jwt.signAsync(claims, {
      secret: this.config.jwtSecret,
      algorithm: 'HS256',
      expiresIn: this.config.accessTokenTtlSeconds,
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
    });
    return {
      accessToken,
      refreshToken: this.refreshTokens.encode({ sessionId, generation }),
      expiresIn: this.config.accessTokenTtlSeconds,
    };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.refreshTokenTtlDays * DAY_MS);
  }
}
