import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_JWT_SECRET } from './test-app';

export const ROOT = join(__dirname, '..', '..');

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Builds dist/ the way `npm start` does. Test files run in parallel workers, so
 * a directory lock keeps two builds from writing dist/ at once.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(ROOT, 'dist.build-lock');
  await waitFor(
    () => {
      try {
        mkdirSync(lock);
        return true;
      } catch {
        return undefined;
      }
    },
    120_000,
    'the build lock',
  );
  try {
    const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`build failed: ${result.stdout}${result.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}

/** A temp dir the unprivileged PostgreSQL account can enter (mkdtemp makes 0700 dirs). */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** The kernel's ephemeral port range (Linux); elsewhere the usual 32768 is assumed. */
const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/**
 * A port nothing listens on, for a process the test starts later. It is taken below the kernel's ephemeral range
 * (ip_local_port_range), so the outgoing connections of the tests running beside it (to PostgreSQL, PgBouncer,
 * Redis) cannot be given it in the meantime, as a port from `listen(0)` can (seen as EADDRINUSE in CI).
 */
export async function freePort(): Promise<number> {
  const range = existsSync(RANGE_FILE) ? readFileSync(RANGE_FILE, 'utf8') : '';
  const [ephemeralLow] = range.trim().split(/\s+/).map(Number);
  const low = 20_000;
  const high = (Number.isSafeInteger(ephemeralLow) ? ephemeralLow : 32_768) - 1;
  for (let attempt = 0; attempt < 50 && high > low; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await canListen(port)) return port;
  }
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const server = createServer();
    server.once('error', () => answer(false));
    server.listen(port, '127.0.0.1', () => server.close(() => answer(true)));
  });
}

/** Alive and not a zombie (an orphan that exited waits, as a zombie, for its new parent to reap it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

export function postmasterPidOf(clusterDir: string): number | undefined {
  const file = join(clusterDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return pid > 0 ? pid : undefined;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

export function httpRequest(port: number, path: string, options: { method?: string; body?: object } = {}): Promise<HttpAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const payload = options.body ? JSON.stringify(options.body) : undefined;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        agent: false,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface AppProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  dataDir: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  waitUntilReady(timeoutMs?: number): Promise<void>;
}

/**
 * Runs the built app as `npm start` does, in a process group of its own (so a
 * test can signal the whole group, as a terminal or container runtime does),
 * on its own DATA_DIR and embedded PostgreSQL: DATABASE_URL is never passed on.
 */
export async function startAppProcess(dataDir: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    RATE_LIMIT_MAX: '100000',
    AUTH_RATE_LIMIT_MAX: '100000',
    ...env,
  };
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: ROOT, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const app: AppProcess = {
    child,
    pid: child.pid ?? 0,
    port,
    dataDir,
    output: () => output,
    exited,
    waitForOutput: (pattern, timeoutMs = 20_000) =>
      waitFor(() => pattern.test(output) || undefined, timeoutMs, `${pattern} in:\n${output.slice(-2000)}`).then(() => undefined),
    waitUntilReady: (timeoutMs = 25_000) =>
      waitFor(
        async () => {
          if (hasExited) throw new Error(`the app exited while starting:\n${output.slice(-3000)}`);
          const answer = await httpRequest(port, '/health/ready').catch(() => undefined);
          return answer?.status === 200 || undefined;
        },
        timeoutMs,
        `readiness of the app:\n${output.slice(-2000)}`,
      ).then(() => undefined),
  };
  return app;
}

/** Ends whatever a test left running: the app's group, then any server still on the cluster. */
export async function killAppProcess(app: AppProcess | undefined): Promise<void> {
  if (!app) return;
  if (app.child.exitCode === null && app.child.signalCode === null) {
    try {
      process.kill(-app.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await app.exited;
  }
}

/** Stops (fast) a server left on a cluster directory, waiting until it is gone. */
export async function stopClusterServer(clusterDir: string): Promise<void> {
  const pid = postmasterPidOf(clusterDir);
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  await waitFor(() => !isAlive(pid) || undefined, 15_000, `postgres ${pid} to stop`).catch(() => process.kill(pid, 'SIGKILL'));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** The embedded cluster's TCP URL, from what the launcher keeps beside it. */
export function embeddedTcpUrl(dataDir: string): string {
  const cluster = join(dataDir, 'postgres');
  const password = readFileSync(`${cluster}.password`, 'utf8').trim();
  const { port } = JSON.parse(readFileSync(`${cluster}.owner.json`, 'utf8')) as { port: number };
  return `postgres://margin:${encodeURIComponent(password)}@127.0.0.1:${port}/margin`;
}
