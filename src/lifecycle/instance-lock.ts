import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandLine, isAlive } from '../database/postgres-processes';
import { StartupError } from './startup-error';

interface LockHolder {
  pid: number;
  port: number;
}

export interface InstanceLock {
  /** Records the port actually listened on (PORT=0 picks one). */
  setPort(port: number): void;
  release(): void;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, port: Number(parsed.port) } : undefined;
  } catch {
    return undefined;
  }
}

/** A holder counts only while it lives and still is a Node process: a pid reused after a crash does not. */
function holderRuns(holder: LockHolder): boolean {
  if (holder.pid === process.pid || !isAlive(holder.pid)) return false;
  const args = commandLine(holder.pid);
  return args === undefined || /node/.test(args[0] ?? '');
}

function write(path: string, holder: LockHolder, flag: 'wx' | 'w'): void {
  const fd = openSync(path, flag, 0o600);
  try {
    writeFileSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
}

/**
 * One instance per data directory: the embedded database in it belongs to the
 * instance that started it. A second `npm start` in the same checkout refuses
 * with one line naming the running one, instead of touching its database; a
 * lock left by a crashed instance is taken over.
 */
export function acquireInstanceLock(dataDir: string, port: number): InstanceLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'margin.pid');
  const holder = { pid: process.pid, port };
  try {
    write(path, holder, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const running = readHolder(path);
    if (running && holderRuns(running)) {
      throw new StartupError(
        `Margin is already running on DATA_DIR=${resolve(dataDir)} (pid ${running.pid}, port ${running.port}); ` +
          'stop it first, or give this instance another DATA_DIR',
      );
    }
    rmSync(path, { force: true });
    write(path, holder, 'wx');
  }
  const release = () => {
    if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
  };
  process.once('exit', release);
  return {
    setPort: (actualPort) => write(path, { pid: process.pid, port: actualPort }, 'w'),
    release,
  };
}
