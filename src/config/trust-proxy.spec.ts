import { parseTrustProxy } from './trust-proxy';

describe('parseTrustProxy', () => {
  it.each([
    ['false', false],
    ['', false],
    ['0', false],
    ['true', 1],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['10.0.0.0/8, 192.0.2.7,2001:db8::/32', ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ])('reads %p as %p', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each(['maybe', '33', '-1', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/8,', '300.1.1.1', '10.0.0.0/8/1', 'true,10.0.0.1', 'example.com'])(
    'refuses %p',
    (raw) => expect(parseTrustProxy(raw)).toBeUndefined(),
  );
});
