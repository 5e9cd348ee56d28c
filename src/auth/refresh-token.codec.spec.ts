import { RefreshTokenCodec } from './refresh-token.codec';

describe('RefreshTokenCodec', () => {
  const codec = new RefreshTokenCodec('a-test-secret-that-is-long-enough-1234');
  const claims = { sessionId: '3f1c2b9e-8a7d-4c6b-9e5f-0a1b2c3d4e5f', generation: 7 };

  it('round-trips the session id and generation', () => {
    expect(codec.decode(codec.encode(claims))).toEqual(claims);
  });

  it('gives a different token for each generation', () => {
    expect(codec.encode(claims)).not.toBe(codec.encode({ ...claims, generation: 8 }));
  });

  it('refuses a token whose payload was changed', () => {
    const [payload, signature] = codec.encode(claims).split('.');
    const bytes = Buffer.from(payload, 'base64url');
    bytes[19] ^= 1;
    expect(codec.decode(`${bytes.toString('base64url')}.${signature}`)).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    const other = new RefreshTokenCodec('another-secret-that-is-long-enough-5678');
    expect(codec.decode(other.encode(claims))).toBeNull();
  });

  it.each(['', 'abc', 'a.b.c', '....', 'x'.repeat(200)])('refuses garbage %p', (token) => {
    expect(codec.decode(token)).toBeNull();
  });
});
