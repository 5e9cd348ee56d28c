import { Client } from 'pg';
import { StartupError } from '../lifecycle/startup-error';

export interface ReachabilityOptions {
  attempts?: number;
  delayMs?: number;
  connectTimeoutMs?: number;
  log?: (message: string) => void;
}

// Answers that another try will not change: wrong password, unknown role or database, bad URL.
const PERMANENT_CODES = new Set(['28P01', '28000', '3D000', '3F000', 'ERR_INVALID_URL']);

/** Where DATABASE_URL points, for messages: user, host, port and database, never the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const host = decodeURIComponent(parsed.hostname) || 'localhost';
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `${user}${host}:${parsed.port || '5432'}${parsed.pathname || ''}`;
  } catch {
    return '(not a valid URL)';
  }
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (/timeout/i.test(message)) return 'no answer (timed out)';
  return message.split('\n')[0];
}

/**
 * Checks that the database answers before the app is built, retrying a few
 * times (it may be starting beside us), then fails with one line that says
 * where DATABASE_URL points and why it did not work.
 */
export async function waitForDatabase(url: string, options: ReachabilityOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 6;
  const delayMs = options.delayMs ?? 1_000;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      if (PERMANENT_CODES.has((error as { code?: string }).code ?? '')) break;
      if (attempt < attempts) {
        if (attempt === 1) {
          options.log?.(`The database at ${describeDatabaseUrl(url)} does not answer yet (${reasonOf(error)}); retrying`);
        }
        await new Promise((done) => setTimeout(done, delayMs));
      }
    }
  }
  throw new StartupError(
    `Cannot use the database in DATABASE_URL (${describeDatabaseUrl(url)}): ${reasonOf(lastError)}; ` +
      'check that PostgreSQL runs there and that DATABASE_URL is right (unset it to use the embedded database)',
  );
}
