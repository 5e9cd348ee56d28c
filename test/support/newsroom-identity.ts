import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT } from 'jose';

export const NEWSROOM_ISSUER = 'https://id.news.example';
export const NEWSROOM_AUDIENCE = 'margin-comments';
export const NEWSROOM_SECRETS = ['first-hs256-secret-of-the-newsroom-0123456789', 'second-hs256-secret-of-the-newsroom-987654321'];

export type AsymmetricAlg = 'RS256' | 'ES256' | 'EdDSA';

export interface SigningKey {
  alg: AsymmetricAlg;
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

export async function newSigningKey(alg: AsymmetricAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : undefined);
  const kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/**
 * The newsroom's identity service as the tests need it: a JSON Web Key Set served over real
 * HTTP (keys generated per run), a count of its fetches, and a switch that makes it fail.
 */
export class NewsroomIdentityService {
  fetches = 0;
  down = false;
  private published: JWK[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      this.fetches += 1;
      if (this.down) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.published }));
    });
  }

  static async start(): Promise<NewsroomIdentityService> {
    const service = new NewsroomIdentityService();
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    return service;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  publish(...keys: SigningKey[]): void {
    this.published = keys.map((key) => key.publicJwk);
  }

  /** Publishes raw JWKs (a symmetric key, say) to see that they are ignored. */
  publishRaw(keys: JWK[]): void {
    this.published = keys;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface TokenOptions {
  claims?: Record<string, unknown>;
  /** Seconds from now; default 300. */
  expiresIn?: number;
  /** Seconds from now for iat; default 0; null leaves it out. */
  issuedAt?: number | null;
  issuer?: string;
  audience?: string;
  kid?: string | null;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function jwt(payload: JWTPayload, options: TokenOptions): SignJWT {
  const token = new SignJWT({ ...payload, ...options.claims })
    .setIssuer(options.issuer ?? NEWSROOM_ISSUER)
    .setAudience(options.audience ?? NEWSROOM_AUDIENCE);
  if (options.expiresIn !== undefined || !('exp' in (options.claims ?? {}))) token.setExpirationTime(now() + (options.expiresIn ?? 300));
  if (options.issuedAt !== null) token.setIssuedAt(now() + (options.issuedAt ?? 0));
  return token;
}

/** A token signed with an asymmetric key of the set. `sub` is a fresh id unless the claims name one. */
export function signWithKey(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const kid = options.kid === undefined ? key.kid : options.kid;
  return jwt({ sub: `user-${randomUUID()}` }, options)
    .setProtectedHeader(kid === null ? { alg: key.alg } : { alg: key.alg, kid })
    .sign(key.privateKey);
}

export function signWithSecret(secret: string, options: TokenOptions = {}): Promise<string> {
  return jwt({ sub: `user-${randomUUID()}` }, options).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

/** Drops claims the helpers set by default (to test a token without them). */
export function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
