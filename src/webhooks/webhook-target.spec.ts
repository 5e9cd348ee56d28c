import { BlockedAddressError, isPrivateAddress, publicOnlyLookup, urlProblem } from './webhook-target';

describe('webhook targets', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-address'])('refuse %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('allow the public address %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('take absolute http and https URLs only, without credentials or fragments', () => {
    expect(urlProblem('https://hooks.news.example/margin', false)).toBeNull();
    expect(urlProblem('http://hooks.news.example:8080/margin?x=1', false)).toBeNull();
    expect(urlProblem('ftp://hooks.news.example/', false)).toMatch(/http/);
    expect(urlProblem('/relative', false)).toMatch(/http/);
    expect(urlProblem('https://user:pw@hooks.news.example/', false)).toMatch(/password/);
    expect(urlProblem('https://hooks.news.example/#x', false)).toMatch(/fragment/);
  });

  it('refuse loopback and private literal hosts unless private URLs are allowed', () => {
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1/', 'http://[::1]/', 'http://10.0.0.5/', 'http://a.localhost/']) {
      expect(urlProblem(url, false)).toMatch(/private/);
      expect(urlProblem(url, true)).toBeNull();
    }
  });

  it('refuse, at connection time, a name that resolves to a loopback address', async () => {
    const error = await new Promise<Error | null>((resolve) => publicOnlyLookup('localhost', {}, (failure) => resolve(failure)));
    expect(error).toBeInstanceOf(BlockedAddressError);
    const all = await new Promise<Error | null>((resolve) => publicOnlyLookup('localhost', { all: true }, (failure) => resolve(failure)));
    expect(all).toBeInstanceOf(BlockedAddressError);
  });
});
