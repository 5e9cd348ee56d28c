import { Injectable } from '@nestjs/common';
import { decodeProtectedHeader, errors, JWTPayload, jwtVerify, JWTVerifyOptions, ProtectedHeaderParameters } from 'jose';
import { AppError } from '../common/errors/app-error';
import { RETRY_AFTER_SECONDS } from '../common/errors/database-unavailable';
import { AppConfig, SsoConfig } from '../config/app-config';
import { InvalidClaim, NewsroomClaims, readNewsroomClaims } from './newsroom-claims';
import { NewsroomKeysUnavailable, NewsroomKeySet } from './newsroom-key-set';

/** Algorithms of the keys in SSO_JWKS_URL; HS256 is verified only against SSO_SECRETS, never against a published key. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

export function invalidToken(reason: string): AppError {
  return new AppError('INVALID_SSO_TOKEN', `The newsroom token is not valid: ${reason}`);
}

/** What a jose failure tells the newsroom's developers; never the token itself. */
function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the "${error.claim}" claim failed its check (${error.reason})`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the key set matches its "kid" and "alg"';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'it names no "kid" and several keys match';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not match';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not accepted';
  if (error instanceof errors.JOSEError) return 'it is not a well-formed signed JWT';
  throw error;
}

/**
 * Verifies a newsroom's sign-in token with jose: RS256, ES256 and EdDSA against the published key
 * set, HS256 against every configured secret (so one can be rotated without downtime); issuer and
 * audience must match; `exp` is required; a few seconds of clock skew are allowed. `alg: none` and
 * any other algorithm are refused before a key is looked at, and each key is used only with its
 * own kind of algorithm, so a public key can never be used as an HMAC secret.
 */
@Injectable()
export class NewsroomTokenVerifier {
  private readonly sso: SsoConfig | null;
  private readonly keySet: NewsroomKeySet | null;
  private readonly secrets: Uint8Array[];

  constructor(config: AppConfig) {
    this.sso = config.sso;
    this.keySet = this.sso?.jwksUrl
      ? new NewsroomKeySet({
          url: this.sso.jwksUrl,
          refetchIntervalMs: this.sso.jwksRefetchIntervalSeconds * 1000,
          maxAgeMs: this.sso.jwksCacheSeconds * 1000,
        })
      : null;
    this.secrets = (this.sso?.secrets ?? []).map((secret) => new TextEncoder().encode(secret));
  }

  get isConfigured(): boolean {
    return this.sso !== null;
  }

  async verify(token: string): Promise<NewsroomClaims> {
    if (!this.sso) throw new AppError('SSO_NOT_CONFIGURED', 'Newsroom sign-in is not set up on this site (SSO_JWKS_URL or SSO_SECRETS)');
    const payload = await this.verifiedPayload(token, this.sso);
    try {
      return readNewsroomClaims(payload, new Date(), this.sso.clockSkewSeconds);
    } catch (error) {
      if (error instanceof InvalidClaim) throw invalidToken(error.message);
      throw error;
    }
  }

  private async verifiedPayload(token: string, sso: SsoConfig): Promise<JWTPayload> {
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw invalidToken('it is not a well-formed signed JWT');
    }
    const options: JWTVerifyOptions = {
      issuer: sso.issuer,
      audience: sso.audience,
      clockTolerance: sso.clockSkewSeconds,
      requiredClaims: ['sub', 'exp'],
    };
    try {
      if (header.alg === 'HS256' && this.secrets.length > 0) return await this.verifyWithSecrets(token, options);
      const keySet = this.keySet;
      if (keySet && typeof header.alg === 'string' && ASYMMETRIC_ALGORITHMS.includes(header.alg)) {
        const { payload } = await jwtVerify(token, (protectedHeader) => keySet.keyFor(protectedHeader), {
          ...options,
          algorithms: ASYMMETRIC_ALGORITHMS,
        });
        return payload;
      }
    } catch (error) {
      if (error instanceof NewsroomKeysUnavailable) {
        throw new AppError(
          'SSO_KEYS_UNAVAILABLE',
          "The newsroom's key set (SSO_JWKS_URL) cannot be fetched; try again shortly",
          undefined,
          { 'Retry-After': String(RETRY_AFTER_SECONDS) },
        );
      }
      throw invalidToken(reasonFor(error));
    }
    throw invalidToken(`its algorithm ${JSON.stringify(header.alg ?? null)} is not accepted here`);
  }

  /** Every secret in turn: the signature check comes before the claims, so only a mismatch moves on to the next. */
  private async verifyWithSecrets(token: string, options: JWTVerifyOptions): Promise<JWTPayload> {
    let mismatch: unknown;
    for (const secret of this.secrets) {
      try {
        const { payload } = await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
        return payload;
      } catch (error) {
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
        mismatch = error;
      }
    }
    throw mismatch;
  }
}
