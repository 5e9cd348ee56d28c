import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  AppProcess,
  ensureBuilt,
  freePort,
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

const SYSTEM_POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

function parentPid(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((candidate) => {
      try {
        return parentPid(candidate) === pid;
      } catch {
        return false;
      }
    });
}

/** Data directory, start-up, and recovery: each test runs the built app on the same DATA_DIR in turn. */
describe('lifecycle: one instance per data directory, and only our own database is ever stopped', () => {
  let root: string;
  let dataDir: string;
  let cluster: string;
  const apps: AppProcess[] = [];

  const start = async (env: Record<string, string> = {}) => {
    const app = await startAppProcess(dataDir, env);
    apps.push(app);
    return app;
  };
  const profileAnswers = async (app: AppProcess) => (await httpRequest(app.port, `/api/v1/users/${randomUUID()}`)).status;

  beforeAll(async () => {
    await ensureBuilt();
    root = makeTempDir('margin-lifecycle-instances-');
    dataDir = join(root, 'data');
    cluster = join(dataDir, 'postgres');
  }, 120_000);

  afterEach(async () => {
    for (const app of apps.splice(0)) await killAppProcess(app);
    await stopClusterServer(cluster);
  });

  afterAll(() => removeDir(root));

  it('refuses a second instance with one line naming the running one, which keeps working', async () => {
    const first = await start();
    await first.waitUntilReady();

    const second = await start();
    const { code } = await second.exited;

    expect(code).toBe(1);
    const lines = second.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`already running .*\\(pid ${first.pid}, port ${first.port}\\)`));
    expect(await profileAnswers(first)).toBe(404);
    expect((await httpRequest(first.port, '/health/ready')).status).toBe(200);
  }, 40_000);

  it('lets the embedded database go when the app is killed (-9), and the next start recovers', async () => {
    const first = await start();
    await first.waitUntilReady();
    const postmaster = postmasterPidOf(cluster) ?? 0;

    process.kill(first.pid, 'SIGKILL');
    await first.exited;

    await waitFor(() => !isAlive(postmaster) || undefined, 15_000, 'the orphaned server to stop by itself');
    const next = await start();
    await next.waitUntilReady();
    expect(await profileAnswers(next)).toBe(404);
  }, 40_000);

  it('stops an orphaned server of ours whose owner and watchdog are both gone, then starts', async () => {
    const first = await start();
    await first.waitUntilReady();
    const orphan = postmasterPidOf(cluster) ?? 0;
    // The watchdog shell and its pipe reader, so nothing is left to stop the server when the app dies.
    const watchdog = parentPid(orphan);
    for (const pid of childrenOf(watchdog).filter((pid) => pid !== orphan)) process.kill(pid, 'SIGKILL');
    process.kill(watchdog, 'SIGKILL');
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    await new Promise((done) => setTimeout(done, 500));
    expect(isAlive(orphan)).toBe(true);

    const next = await start();
    await next.waitUntilReady();

    expect(next.output()).toMatch(new RegExp(`Stopping the PostgreSQL server \\(pid ${orphan}\\)`));
    expect(isAlive(orphan)).toBe(false);
    expect(await profileAnswers(next)).toBe(404);
  }, 40_000);

  describe('with an unrelated PostgreSQL running on this machine', () => {
    let otherDir: string;
    let other: ChildProcess;
    let otherPort: number;

    beforeAll(async () => {
      otherDir = join(root, 'unrelated');
      mkdirSync(otherDir, { mode: 0o700 });
      const account = { uid: Number(spawnSync('id', ['-u', 'postgres']).stdout), gid: Number(spawnSync('id', ['-g', 'postgres']).stdout) };
      chownSync(otherDir, account.uid, account.gid);
      const initdb = spawnSync(join(SYSTEM_POSTGRES_BIN, 'initdb'), ['-D', otherDir, '-U', 'postgres', '--auth=trust', '--no-sync'], {
        ...account,
        encoding: 'utf8',
      });
      if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr}`);
      otherPort = await freePort();
      other = spawn(
        join(SYSTEM_POSTGRES_BIN, 'postgres'),
        ['-D', otherDir, '-p', String(otherPort), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${otherDir}`],
        { ...account, detached: true, stdio: 'ignore' },
      );
      await waitFor(
        async () => {
          const client = new Client({ host: '127.0.0.1', port: otherPort, user: 'postgres', database: 'postgres' });
          return client.connect().then(
            () => client.end().then(() => true),
            () => undefined,
          );
        },
        20_000,
        'the unrelated PostgreSQL',
      );
    }, 60_000);

    afterAll(async () => {
      if (other?.pid && isAlive(other.pid)) {
        process.kill(other.pid, 'SIGINT');
        await waitFor(() => !isAlive(other.pid ?? 0) || undefined, 15_000, 'the unrelated PostgreSQL to stop');
      }
    });

    it('leaves it running when a stale postmaster.pid names it, and starts', async () => {
      const first = await start();
      await first.waitUntilReady();
      process.kill(first.pid, 'SIGTERM');
      await first.exited;
      const stale = readFileSync(join(otherDir, 'postmaster.pid'), 'utf8');
      writeFileSync(join(cluster, 'postmaster.pid'), stale);

      const next = await start();
      await next.waitUntilReady();

      expect(isAlive(other.pid ?? 0)).toBe(true);
      const client = new Client({ host: '127.0.0.1', port: otherPort, user: 'postgres', database: 'postgres' });
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
      expect(await profileAnswers(next)).toBe(404);
    }, 40_000);
  });

  it('restarts the embedded database when it dies, reporting not ready meanwhile', async () => {
    const app = await start();
    await app.waitUntilReady();
    const dead = postmasterPidOf(cluster) ?? 0;
    const readiness: number[] = [];

    process.kill(dead, 'SIGKILL');
    await waitFor(
      async () => {
        const status = (await httpRequest(app.port, '/health/ready')).status;
        readiness.push(status);
        return (status === 200 && readiness.includes(503)) || undefined;
      },
      25_000,
      'readiness to come back',
    );

    expect((await httpRequest(app.port, '/health')).status).toBe(200);
    expect(app.output()).toMatch(/stopped unexpectedly .*restarting it/);
    expect(postmasterPidOf(cluster)).not.toBe(dead);
    expect(await profileAnswers(app)).toBe(404);
  }, 40_000);
});
