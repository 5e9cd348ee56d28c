import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Runs against the topology .ci/topology starts: two instances (A, B) behind haproxy (LB), the
 * primary behind PgBouncer in transaction mode, a streaming replica, one Redis. Every request names
 * its client with X-Forwarded-For (the instances trust the loopback proxies), so tests do not share
 * rate-limit buckets. The failover test runs last: it stops instance A for good.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is set by .ci/topology`);
  return value;
};
const LB = env('TOPOLOGY_LB_URL');
const [A, B] = env('TOPOLOGY_INSTANCE_URLS').split(',');
const [PID_A] = env('TOPOLOGY_INSTANCE_PIDS').split(',').map(Number);
const CMS_KEY = env('TOPOLOGY_CMS_API_KEY');

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field, as a client would
  body: any;
  headers: Headers;
}

const suffix = () => randomBytes(5).toString('hex');
const clientAddress = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 250)}`;

async function call(base: string, method: string, path: string, options: { body?: unknown; token?: string; client?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'x-forwarded-for': options.client ?? clientAddress(), ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body, headers: response.headers };
}

interface Reader {
  id: string;
  token: string;
  client: string;
}

async function register(base = LB): Promise<Reader> {
  const client = clientAddress();
  const name = `Topo ${suffix()}`;
  const answer = await call(base, 'POST', '/api/v1/auth/register', { client, body: { email: `${suffix()}@topology.test`, password: 'correct horse battery', displayName: name } });
  expect(answer.status).toBe(201);
  return { id: answer.body.user.id, token: answer.body.accessToken, client };
}

async function article(): Promise<string> {
  const id = `topology-${suffix()}`;
  const answer = await call(LB, 'PUT', `/api/v1/articles/${id}`, { headers: { 'x-api-key': CMS_KEY }, body: { title: 'Topology', url: `https://news.test/${id}` } });
  expect([200, 201]).toContain(answer.status);
  return id;
}

async function post(base: string, articleId: string, reader: Reader, body = `comment ${suffix()}`): Promise<Answer> {
  return call(base, 'POST', `/api/v1/articles/${articleId}/comments`, { token: reader.token, client: reader.client, body: { body } });
}

async function replicaClient(): Promise<Client> {
  const client = new Client({ connectionString: env('TOPOLOGY_REPLICA_URL') });
  await client.connect();
  return client;
}

async function replicaStates(base: string): Promise<string[]> {
  const answer = await call(base, 'GET', '/health/ready');
  return (answer.body.replicas as { state: string }[]).map((replica) => replica.state);
}

/** Waits (bounded) until `condition` holds, for what only time brings about (a replica's lag). */
async function eventually(condition: () => Promise<boolean>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not within ${seconds} s`);
}

describe('the topology', () => {
  it('reports the replica in use on every instance', async () => {
    for (const base of [A, B]) {
      const answer = await call(base, 'GET', '/health/ready');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(expect.objectContaining({ status: 'ok', redis: 'up', replicas: [expect.objectContaining({ name: 'replica-1', state: 'in-use' })] }));
    }
  });

  it('serves through the load balancer from both instances, with the client address from X-Forwarded-For', async () => {
    const reader = await register();
    const first = await call(A, 'GET', '/api/v1/me', { token: reader.token });
    const second = await call(B, 'GET', '/api/v1/me', { token: reader.token });
    expect([first.status, second.status]).toEqual([200, 200]);
  });
});

describe('rate limits', () => {
  it('counts one client address across both instances', async () => {
    const client = clientAddress();
    const statuses: number[] = [];
    // AUTH_RATE_LIMIT_MAX=10 per window for the topology: 10 attempts split over A and B, then the 11th.
    for (let attempt = 0; attempt < 11; attempt += 1) {
      const answer = await call(attempt % 2 === 0 ? A : B, 'POST', '/api/v1/auth/login', { client, body: { email: `nobody-${suffix()}@topology.test`, password: 'wrong password' } });
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    // Another address is not limited by it, on either instance.
    const other = await call(B, 'POST', '/api/v1/auth/login', { body: { email: `nobody-${suffix()}@topology.test`, password: 'wrong password' } });
    expect(other.status).toBe(401);
  });
});

describe('the thread cache', () => {
  it('drops a page cached on one instance when the article is written through the other', async () => {
    const articleId = await article();
    const reader = await register();
    const before = await Promise.all([A, B].map((base) => call(base, 'GET', `/api/v1/articles/${articleId}/comments`)));
    expect(before.map((answer) => answer.body.items.length)).toEqual([0, 0]);
    const created = await post(A, articleId, reader);
    expect(created.status).toBe(201);
    const after = await call(B, 'GET', `/api/v1/articles/${articleId}/comments`);
    expect(after.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
    const etag = after.headers.get('etag');
    expect(etag).toBeTruthy();
    const revalidated = await call(A, 'GET', `/api/v1/articles/${articleId}/comments`, { headers: { 'if-none-match': etag ?? '' } });
    expect(revalidated.status).toBe(304);
  });
});

describe('replica reads under lag (replay paused on the replica)', () => {
  let replica: Client;

  beforeAll(async () => {
    replica = await replicaClient();
  });

  afterAll(async () => {
    await replica.query('SELECT pg_wal_replay_resume()');
    await replica.end();
  });

  it('reads lag-tolerant routes from the replica, a writer reads its writes, the cache is built from the primary, and a replica past the bound is left out', async () => {
    const articleId = await article();
    const reader = await register();
    // Let the reader's sign-in age past READ_YOUR_WRITES_SECONDS (7 s), and the replica catch up with the set-up.
    await eventually(async () => (await call(A, 'GET', `/api/v1/articles/${articleId}`)).status === 200 && (await call(B, 'GET', `/api/v1/users/${reader.id}`)).status === 200, 20);
    await new Promise((resolve) => setTimeout(resolve, 7_500));

    await replica.query('SELECT pg_wal_replay_pause()');
    const created = await post(LB, articleId, reader);
    expect(created.status).toBe(201);
    const newcomer = await register();

    // The writer, on either instance, sees its own write in lag-tolerant reads.
    for (const base of [A, B]) {
      const own = await call(base, 'GET', `/api/v1/users/${reader.id}`, { token: reader.token, client: reader.client });
      expect(own.body.commentCount).toBe(1);
      const counts = await call(base, 'POST', '/api/v1/articles/counts', { token: reader.token, client: reader.client, body: { ids: [articleId] } });
      expect(counts.body.counts[articleId]).toBe(1);
    }
    // A fresh registration reads its own profile (from the primary), though the replica lacks it.
    expect((await call(B, 'GET', `/api/v1/users/${newcomer.id}`, { token: newcomer.token, client: newcomer.client })).status).toBe(200);
    // Anyone else reads the replica, which has not replayed the write: stale, as the route allows.
    expect((await call(A, 'GET', `/api/v1/users/${reader.id}`)).body.commentCount).toBe(0);
    expect((await call(B, 'GET', `/api/v1/users/${newcomer.id}`)).status).toBe(404);
    // The shared first page is never built from the stale replica: it shows the comment to everyone.
    for (const base of [A, B]) {
      const page = await call(base, 'GET', `/api/v1/articles/${articleId}/comments`);
      expect(page.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
    }

    // Past REPLICA_MAX_LAG_SECONDS the replica takes no reads: readiness says so, and reads are fresh.
    await eventually(async () => (await replicaStates(A)).includes('lagging') && (await replicaStates(B)).includes('lagging'), 20);
    expect((await call(A, 'GET', '/health/ready')).status).toBe(200);
    expect((await call(A, 'GET', `/api/v1/users/${reader.id}`)).body.commentCount).toBe(1);
    expect((await call(B, 'GET', `/api/v1/users/${newcomer.id}`)).status).toBe(200);

    await replica.query('SELECT pg_wal_replay_resume()');
    await eventually(async () => (await replicaStates(A)).every((state) => state === 'in-use'), 20);
  });
});

describe('failover (last: it stops instance A)', () => {
  it('loses no acknowledged write when one instance dies mid-load', async () => {
    const articleId = await article();
    const writers = await Promise.all([register(), register(), register(), register()]);
    const acknowledged: string[] = [];
    let refused = 0;
    let killed = false;
    const loop = async (reader: Reader) => {
      for (let index = 0; index < 40; index += 1) {
        if (index === 15 && reader === writers[0] && !killed) {
          killed = true;
          process.kill(PID_A, 'SIGKILL');
        }
        try {
          const answer = await post(LB, articleId, reader, `load ${index}`);
          if (answer.status === 201) acknowledged.push(answer.body.id);
          else refused += 1;
        } catch {
          refused += 1;
        }
      }
    };
    await Promise.all(writers.map(loop));
    expect(killed).toBe(true);
    // haproxy takes A out; most writes are acknowledged, and every one of those is there.
    expect(acknowledged.length).toBeGreaterThan(150);
    expect(refused).toBeLessThan(10);
    const primary = new Client({ connectionString: env('TOPOLOGY_PRIMARY_URL') });
    await primary.connect();
    try {
      const { rows } = await primary.query<{ id: string }>('SELECT id FROM comments WHERE id = ANY($1::uuid[])', [acknowledged]);
      expect(rows.length).toBe(acknowledged.length);
    } finally {
      await primary.end();
    }
    // A write the dying instance committed but could not answer is there too, unacknowledged: at most `refused` of them.
    const survivor = await call(LB, 'GET', `/api/v1/articles/${articleId}`);
    expect(survivor.body.commentCount).toBeGreaterThanOrEqual(acknowledged.length);
    expect(survivor.body.commentCount).toBeLessThanOrEqual(acknowledged.length + refused);
  });
});
