import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { errors, exportJWK, generateKeyPair, JWK } from 'jose';
import { NewsroomKeysUnavailable, NewsroomKeySet } from './newsroom-key-set';

describe('NewsroomKeySet', () => {
  let server: Server;
  let fetches = 0;
  let status = 200;
  let keys: JWK[] = [];
  let clock = 1_000_000;
  let url: string;

  async function key(kid: string): Promise<JWK> {
    const { publicKey } = await generateKeyPair('ES256');
    return { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  }

  beforeAll(async () => {
    server = createServer((_, response) => {
      fetches += 1;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    fetches = 0;
    status = 200;
  });

  const keySet = () => new NewsroomKeySet({ url, refetchIntervalMs: 30_000, maxAgeMs: 600_000, now: () => clock });

  it('refetches for an unknown kid at most once per interval, then again once it has passed', async () => {
    keys = [await key('a')];
    const set = keySet();
    await set.keyFor({ alg: 'ES256', kid: 'a' });
    expect(fetches).toBe(1);
    keys = [await key('a'), await key('b')];
    clock += 29_999;
    await expect(set.keyFor({ alg: 'ES256', kid: 'b' })).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(fetches).toBe(1);
    clock += 1;
    await expect(set.keyFor({ alg: 'ES256', kid: 'b' })).resolves.toBeDefined();
    expect(fetches).toBe(2);
  });

  it('shares one fetch among concurrent unknown kids', async () => {
    keys = [await key('a')];
    const set = keySet();
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, index) => set.keyFor({ alg: 'ES256', kid: `x${index}` })));
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(fetches).toBe(1);
  });

  it('keeps serving known keys when a refresh fails, and says the keys are unavailable for an unknown kid', async () => {
    keys = [await key('a')];
    const set = keySet();
    await set.keyFor({ alg: 'ES256', kid: 'a' });
    status = 503;
    clock += 600_000;
    await expect(set.keyFor({ alg: 'ES256', kid: 'a' })).resolves.toBeDefined();
    clock += 30_000;
    await expect(set.keyFor({ alg: 'ES256', kid: 'zzz' })).rejects.toBeInstanceOf(NewsroomKeysUnavailable);
    await expect(set.keyFor({ alg: 'ES256', kid: 'a' })).resolves.toBeDefined();
    await set.whenIdle();
  });

  it('does not retry a failed first fetch before the interval has passed', async () => {
    status = 500;
    const set = keySet();
    await expect(set.keyFor({ alg: 'ES256', kid: 'a' })).rejects.toBeInstanceOf(NewsroomKeysUnavailable);
    await expect(set.keyFor({ alg: 'ES256', kid: 'a' })).rejects.toBeInstanceOf(NewsroomKeysUnavailable);
    expect(fetches).toBe(1);
  });

  it('ignores symmetric and private keys in the published set', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    keys = [{ kty: 'oct', kid: 'o', k: 'c2VjcmV0', alg: 'HS256' }, { ...(await exportJWK(privateKey)), kid: 'p', alg: 'ES256' }];
    const set = keySet();
    await expect(set.keyFor({ alg: 'HS256', kid: 'o' })).rejects.toBeInstanceOf(errors.JOSEError);
    await expect(set.keyFor({ alg: 'ES256', kid: 'p' })).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });
});
