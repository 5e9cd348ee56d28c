import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  AppProcess,
  embeddedTcpUrl,
  ensureBuilt,
  httpRequest,
  isAlive,
  killAppProcess,
  makeTempDir,
  postmasterPidOf,
  removeDir,
  startAppProcess,
  stopClusterServer,
  waitFor,
} from '../support/app-process';

/**
 * Shutdown on a real process: the built app with its embedded PostgreSQL, real
 * signals sent to its whole process group (as a terminal's Ctrl-C or a
 * container runtime's SIGTERM are), and real requests held in flight by a
 * table lock taken from a second connection, so that they are provably inside
 * the server when the signal lands.
 */
describe('lifecycle: shutdown drains in-flight requests', () => {
  const IN_FLIGHT = 24;
  let root: string;
  let dataDir: string;
  let app: AppProcess | undefined;
  let locker: Client | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    root = makeTempDir('margin-lifecycle-shutdown-');
    dataDir = join(root, 'data');
  }, 120_000);

  afterEach(async () => {
    await locker?.end().catch(() => undefined);
    locker = undefined;
    await killAppProcess(app);
    app = undefined;
    await stopClusterServer(join(dataDir, 'postgres'));
  });

  afterAll(() => removeDir(root));

  async function startApp(env: Record<string, string> = {}) {
    app = await startAppProcess(dataDir, { DATABASE_POOL_SIZE: String(IN_FLIGHT + 6), ...env });
    await app.waitUntilReady();
    return app;
  }

  /**
   * Holds every read of `users` until the lock is released, and waits until `count` requests wait on it.
   * Each asks for a different (unknown) profile, so no cache or coalescing answers one without the database.
   */
  async function holdRequests(running: AppProcess, count: number) {
    locker = new Client({ connectionString: embeddedTcpUrl(running.dataDir) });
    await locker.connect();
    locker.on('error', () => undefined);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    const answers = Array.from({ length: count }, () =>
      httpRequest(running.port, `/api/v1/users/${randomUUID()}`).catch((error: Error) => ({ status: -1, body: error.message })),
    );
    const held = locker;
    await waitFor(
      async () => {
        // Inside a transaction the activity view is a snapshot taken once: drop it to see new waiters.
        await held.query('SELECT pg_stat_clear_snapshot()');
        const waiting = await held.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'margin' AND wait_event_type = 'Lock'",
        );
        return (waiting.rows[0] as { n: number }).n >= count || undefined;
      },
      15_000,
      `${count} requests waiting on the lock`,
    );
    return answers;
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s to the whole process group, stops accepting, finishes every request in flight, then stops the database',
    async (signal) => {
      const running = await startApp();
      const postmaster = postmasterPidOf(join(dataDir, 'postgres'));
      const answers = await holdRequests(running, IN_FLIGHT);

      process.kill(-running.pid, signal);
      await running.waitForOutput(new RegExp(`${signal} received`));
      // No new connections are taken while the held ones finish.
      await waitFor(
        () => httpRequest(running.port, '/health').then(() => undefined, () => true),
        10_000,
        'the listener to close',
      );
      // The group signal did not reach the database: the requests still have it.
      expect(postmaster && isAlive(postmaster)).toBe(true);
      expect(isAlive(running.pid)).toBe(true);

      await locker?.query('COMMIT');
      // Each one is answered as it would be on a running server (an unknown profile is a 404), none fails.
      const statuses = (await Promise.all(answers)).map((answer) => answer.status);
      expect(statuses).toEqual(Array(IN_FLIGHT).fill(404));

      const { code } = await running.exited;
      expect(code).toBe(0);
      expect(postmaster && isAlive(postmaster)).toBe(false);
      expect(running.output()).toMatch(/Stopped/);
    },
    60_000,
  );

  it('gives up on requests that outlive SHUTDOWN_GRACE_SECONDS, and still stops the database and exits', async () => {
    const running = await startApp({ SHUTDOWN_GRACE_SECONDS: '1' });
    const postmaster = postmasterPidOf(join(dataDir, 'postgres'));
    const answers = await holdRequests(running, 3);
    const signalledAt = Date.now();

    process.kill(-running.pid, 'SIGTERM');
    const { code } = await running.exited;

    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(running.output()).toMatch(/still in flight after 1 s/);
    expect(postmaster && isAlive(postmaster)).toBe(false);
    expect((await Promise.all(answers)).every((answer) => answer.status !== 404)).toBe(true);
  }, 60_000);
});
