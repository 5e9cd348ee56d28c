import { createHmac, timingSafeEqual } from 'node:crypto';

export interface RefreshTokenClaims {
  sessionId: string;
  generation: number;
}

const UUID_HEX = /^[0-9a-f]{32}$/;

/**
 * A refresh token names its session and generation and carries an HMAC of
 * both, so the database keeps only a counter: a token is valid while its
 * generation is the session's current one, and a valid older one is a reuse.
 */
export class RefreshTokenCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('margin refresh tokens v1').digest();
  }

  encode(claims: RefreshTokenClaims): string {
    const payload = Buffer.alloc(20);
    Buffer.from(claims.sessionId.replace(/-/g, ''), 'hex').copy(payload, 0);
    payload.writeUInt32BE(claims.generation, 16);
    return `${payload.toString('base64url')}.${this.sign(payload).toString('base64url')}`;
  }

  decode(token: string): RefreshTokenClaims | null {
    const [encodedPayload, encodedSignature, ...rest] = token.split('.');
    if (!encodedPayload || !encodedSignature || rest.length > 0) return null;
    const payload = Buffer.from(encodedPayload, 'base64url');
    const signature = Buffer.from(encodedSignature, 'base64url');
    const expected = this.sign(payload);
    if (payload.length !== 20 || signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
    const hex = payload.subarray(0, 16).toString('hex');
    if (!UUID_HEX.test(hex)) return null;
    const sessionId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { sessionId, generation: payload.readUInt32BE(16) };
  }

  private sign(payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }
}
