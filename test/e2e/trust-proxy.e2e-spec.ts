import { createTestApp, TestApp } from '../support/test-app';
import { expectProblem } from '../support/problem';

const LIMIT = 3;

/** Logins from one real client whose left-most X-Forwarded-For entry is forged anew each time. */
async function forgedLogins(t: TestApp, chainAfterForgery: string, attempts: number) {
  const statuses: number[] = [];
  for (let i = 0; i < attempts; i += 1) {
    const forwardedFor = `203.0.113.${i + 1}, ${chainAfterForgery}`;
    const response = await t.http
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', forwardedFor)
      .send({ email: 'nobody@example.test', password: 'wrong password' });
    if (response.status === 429) expectProblem(response, 429, 'RATE_LIMITED');
    statuses.push(response.status);
  }
  return statuses;
}

const limitedAfterThree = [401, 401, 401, 429, 429];

describe('client addresses behind trusted proxies (e2e)', () => {
  it.each(['1', 'true'])('TRUST_PROXY=%s: the address the one trusted hop saw is limited, whatever the client forges', async (trustProxy) => {
    const t = await createTestApp({ TRUST_PROXY: trustProxy, AUTH_RATE_LIMIT_MAX: String(LIMIT) });
    try {
      // The load balancer (the test client on 127.0.0.1) appended the address it saw: 198.51.100.7.
      expect(await forgedLogins(t, '198.51.100.7', 5)).toEqual(limitedAfterThree);
      // Another real client behind the same balancer has a budget of its own.
      expect(await forgedLogins(t, '198.51.100.8', 1)).toEqual([401]);
    } finally {
      await t.close();
    }
  });

  it('TRUST_PROXY=2: two hops are trusted, the third address from the right is the client', async () => {
    const t = await createTestApp({ TRUST_PROXY: '2', AUTH_RATE_LIMIT_MAX: String(LIMIT) });
    try {
      expect(await forgedLogins(t, '198.51.100.20, 10.1.2.3', 5)).toEqual(limitedAfterThree);
      expect(await forgedLogins(t, '198.51.100.21, 10.1.2.3', 1)).toEqual([401]);
    } finally {
      await t.close();
    }
  });

  it('TRUST_PROXY as a CIDR list: only the named proxies are skipped, the first address outside them is the client', async () => {
    const t = await createTestApp({ TRUST_PROXY: '127.0.0.0/8, 10.0.0.0/8', AUTH_RATE_LIMIT_MAX: String(LIMIT) });
    try {
      // client 198.51.100.30 -> internal proxy 10.1.2.3 -> edge proxy (the test client, 127.0.0.1) -> app
      expect(await forgedLogins(t, '198.51.100.30, 10.1.2.3', 5)).toEqual(limitedAfterThree);
      expect(await forgedLogins(t, '198.51.100.31, 10.9.9.9', 1)).toEqual([401]);
    } finally {
      await t.close();
    }
  });

  it('TRUST_PROXY as a list that does not name the peer: X-Forwarded-For is ignored, the socket address counts', async () => {
    const t = await createTestApp({ TRUST_PROXY: '10.0.0.0/8', AUTH_RATE_LIMIT_MAX: String(LIMIT) });
    try {
      const statuses = [...(await forgedLogins(t, '198.51.100.40', 2)), ...(await forgedLogins(t, '198.51.100.41', 3))];
      expect(statuses).toEqual(limitedAfterThree);
    } finally {
      await t.close();
    }
  });
});
