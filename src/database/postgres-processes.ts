import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../lifecycle/startup-error';

/**
 * What the launcher writes beside a data directory when it starts a server:
 * who owns it, and the token it put on the server's command line. Together
 * with the data directory in that command line, this is what proves a
 * running PostgreSQL is ours to stop.
 */
export interface ServerOwnership {
  ownerPid: number;
  token: string;
  port: number;
}

/** The setting the launcher adds to the server's command line; PostgreSQL accepts any dotted custom name. */
export const OWNERSHIP_SETTING = 'margin.launch_token';

export function ownershipPath(dataDir: string): string {
  return `${dataDir}.owner.json`;
}

export function writeOwnership(dataDir: string, ownership: ServerOwnership): void {
  writeFileSync(ownershipPath(dataDir), JSON.stringify(ownership), { mode: 0o600 });
}

export function readOwnership(dataDir: string): ServerOwnership | undefined {
  try {
    const parsed = JSON.parse(readFileSync(ownershipPath(dataDir), 'utf8')) as Partial<ServerOwnership>;
    if (typeof parsed.ownerPid !== 'number' || typeof parsed.token !== 'string') return undefined;
    return { ownerPid: parsed.ownerPid, token: parsed.token, port: Number(parsed.port) };
  } catch {
    return undefined;
  }
}

/** An orphan that has exited stays a zombie until its new parent reaps it: that is not a live server. */
function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, it just belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** The process's arguments, or undefined when it is gone or this platform has no /proc. */
export function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** The postmaster's pid from `postmaster.pid`, if the file is there and says one. */
export function postmasterPid(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function runsOnDataDir(args: string[], dataDir: string): boolean {
  return args.some((arg, index) => arg === '-D' && args[index + 1] === dataDir);
}

function carriesToken(args: string[], token: string): boolean {
  return args.includes(`${OWNERSHIP_SETTING}=${token}`);
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return condition();
}

export async function stopProcess(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  if (!(await waitUntil(() => !isAlive(pid), 15_000))) process.kill(pid, 'SIGKILL');
  await waitUntil(() => !isAlive(pid), 5_000);
}

/**
 * Makes the data directory free to start a server on. A crash of the app
 * (kill -9) leaves `postmaster.pid` behind, and possibly the orphaned server
 * itself. Only a server that provably is ours (our data directory and our
 * token on its command line) and whose owner is gone may be stopped; a live
 * owner means another instance uses this directory; a pid that names some
 * other process (an unrelated PostgreSQL, after a reboot) means the file is
 * stale and that process is left alone.
 */
export async function clearStaleServer(dataDir: string, log: (message: string) => void): Promise<void> {
  const pid = postmasterPid(dataDir) ?? 0;
  if (pid > 0 && isAlive(pid)) {
    const args = commandLine(pid);
    if (args === undefined) {
      throw new StartupError(
        `A process (pid ${pid}) named by ${join(dataDir, 'postmaster.pid')} is running and cannot be identified here; ` +
          'stop it, or remove the file if it is not a PostgreSQL server on this directory',
      );
    }
    if (runsOnDataDir(args, dataDir)) await stopOrphanedServer(pid, args, dataDir, log);
  }
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  log(
    pid > 0 && isAlive(pid)
      ? `Removing a postmaster.pid that names pid ${pid}, which is not our server (that process is left alone)`
      : 'Removing a stale postmaster.pid left by a crash',
  );
  rmSync(pidFile, { force: true });
}

async function stopOrphanedServer(pid: number, args: string[], dataDir: string, log: (message: string) => void) {
  const ownership = readOwnership(dataDir);
  if (!ownership || !carriesToken(args, ownership.token)) {
    throw new StartupError(
      `A PostgreSQL server (pid ${pid}) that Margin did not start is running on ${dataDir}; stop it first`,
    );
  }
  if (ownership.ownerPid !== process.pid && isAlive(ownership.ownerPid)) {
    throw new StartupError(
      `Another Margin instance (pid ${ownership.ownerPid}) is using the embedded PostgreSQL in ${dataDir} ` +
        `(server pid ${pid}, port ${ownership.port}); stop it first or use another DATA_DIR`,
    );
  }
  log(`Stopping the PostgreSQL server (pid ${pid}) that a crashed run (pid ${ownership.ownerPid}) left behind`);
  await stopProcess(pid);
  if (isAlive(pid)) throw new StartupError(`Could not stop the orphaned PostgreSQL server (pid ${pid})`);
}
