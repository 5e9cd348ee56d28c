import type { JWTPayload } from 'jose';
import { displayNameCandidates, displayNameFrom, InvalidClaim, readNewsroomClaims } from './newsroom-claims';

const NOW = new Date('2026-12-01T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const base = { sub: 'reader-1', iat: nowSeconds, exp: nowSeconds + 600 };

describe('readNewsroomClaims', () => {
  it('reads the claims Margin uses and nothing else', () => {
    const claims = readNewsroomClaims(
      { ...base, email: ' Ada@Example.org ', email_verified: true, name: 'Ada', jti: 'j-1', supporter_until: '2027-01-31T00:00:00Z', role: 'admin' },
      NOW,
      10,
    );
    expect(claims).toEqual({
      subject: 'reader-1',
      email: 'Ada@Example.org',
      emailVerified: true,
      name: 'Ada',
      supporterUntil: new Date('2027-01-31T00:00:00Z'),
      jti: 'j-1',
      expiresAt: new Date((nowSeconds + 600) * 1000),
    });
  });

  it('leaves supporter status alone without the claim, and ends it with null', () => {
    expect(readNewsroomClaims(base, NOW, 10).supporterUntil).toBeUndefined();
    expect(readNewsroomClaims({ ...base, supporter_until: null }, NOW, 10).supporterUntil).toEqual(NOW);
  });

  it('accepts email_verified as the string some identity services send, and never without an email', () => {
    expect(readNewsroomClaims({ ...base, email: 'a@b.example', email_verified: 'true' }, NOW, 10).emailVerified).toBe(true);
    expect(readNewsroomClaims({ ...base, email: 'a@b.example', email_verified: 'false' }, NOW, 10).emailVerified).toBe(false);
    expect(readNewsroomClaims({ ...base, email_verified: true }, NOW, 10).emailVerified).toBe(false);
  });

  it('allows exp exactly one hour after iat, and iat within the skew', () => {
    expect(() => readNewsroomClaims({ ...base, exp: nowSeconds + 3600 }, NOW, 10)).not.toThrow();
    expect(() => readNewsroomClaims({ ...base, iat: nowSeconds + 10, exp: nowSeconds + 600 }, NOW, 10)).not.toThrow();
    expect(() => readNewsroomClaims({ sub: 'x', exp: nowSeconds + 3600 + 10 }, NOW, 10)).not.toThrow();
  });

  it.each([
    ['no sub', { sub: undefined }],
    ['an empty sub', { sub: '' }],
    ['a sub of 256 characters', { sub: 'x'.repeat(256) }],
    ['a sub with a control character', { sub: 'a\u0001b' }],
    ['no exp', { exp: undefined }],
    ['exp a second more than an hour after iat', { exp: nowSeconds + 3601 }],
    ['iat past the skew in the future', { iat: nowSeconds + 11, exp: nowSeconds + 600 }],
    ['a string iat', { iat: 'now' }],
    ['no iat and exp over an hour away', { iat: undefined, exp: nowSeconds + 3600 + 11 }],
    ['an email that is not one', { email: 'nobody' }],
    ['an email that is not a string', { email: 42 }],
    ['an email_verified that is not a boolean', { email: 'a@b.example', email_verified: 'yes' }],
    ['a name that is not a string', { name: ['Ada'] }],
    ['a supporter_until that is not an ISO time', { supporter_until: 1767225600 }],
    ['an impossible supporter_until', { supporter_until: '2027-02-30T00:00:00Z' }],
    ['a jti that is not a string', { jti: 7 }],
  ])('refuses %s', (_, change) => {
    expect(() => readNewsroomClaims({ ...base, ...change } as JWTPayload, NOW, 10)).toThrow(InvalidClaim);
  });
});

describe('displayNameFrom', () => {
  it('keeps a valid name as it is, after NFKC', () => {
    expect(displayNameFrom('Zoë Ørsted-Łukasz 李', 's')).toBe('Zoë Ørsted-Łukasz 李');
    expect(displayNameFrom('Ａｄａ', 's')).toBe('Ada');
  });

  it('drops invisible, control and bidi characters and collapses spaces', () => {
    expect(displayNameFrom('  Ada\u200B\u0000 \u202E Lovelace\n', 's')).toBe('Ada Lovelace');
  });

  it('cuts to 40 characters, counting astral characters once', () => {
    expect(displayNameFrom('x'.repeat(60), 's')).toBe('x'.repeat(40));
    expect([...displayNameFrom('😀'.repeat(50), 's')]).toHaveLength(40);
  });

  it('derives a stable name from the subject when the claim is missing or too short', () => {
    const derived = displayNameFrom(null, 'reader-1');
    expect(derived).toMatch(/^Reader [0-9a-f]{6}$/);
    expect(displayNameFrom('x', 'reader-1')).toBe(derived);
    expect(displayNameFrom('\u200B\u200B', 'reader-1')).toBe(derived);
    expect(displayNameFrom(null, 'reader-2')).not.toBe(derived);
  });
});

describe('displayNameCandidates', () => {
  it('offers the name, then numbered ones that still fit in 40 characters', () => {
    expect(displayNameCandidates('Ada').slice(0, 3)).toEqual(['Ada', 'Ada 2', 'Ada 3']);
    const long = displayNameCandidates('y'.repeat(40));
    expect(long[1]).toBe(`${'y'.repeat(38)} 2`);
    expect(long.every((name) => [...name].length <= 40)).toBe(true);
  });
});
