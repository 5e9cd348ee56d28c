import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/** `NAME=value`, optionally after `export `; blank lines and `#` comments are skipped. */
const ASSIGNMENT = /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/;
const SKIPPED = /^\s*(#.*)?$/;

export interface DotEnv {
  values: NodeJS.ProcessEnv;
  /** One line per ignored line, naming its number only: a value may be a secret. */
  problems: string[];
}

/**
 * Reads a `.env` file: one `NAME=value` a line, values optionally quoted. A line that is not
 * an assignment is reported and left out rather than stopping the start-up; a missing file is
 * simply no values.
 */
export function readDotEnv(path: string): DotEnv {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: {}, problems: [] };
    return { values: {}, problems: [`${path} not read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`] };
  }
  const problems: string[] = [];
  const kept = text.split(/\r?\n/).filter((line, index) => {
    if (SKIPPED.test(line) || ASSIGNMENT.test(line)) return true;
    problems.push(`${path} line ${index + 1} ignored: not NAME=value`);
    return false;
  });
  return { values: parseEnv(kept.join('\n')), problems };
}

/**
 * The environment with a `.env` file under it: a variable set in the real environment wins
 * over the file, even when it is set to an empty string. The file is looked for in the working
 * directory (where `npm start` and `docker compose` run), not under DATA_DIR, which the file
 * itself may set.
 */
export function withDotEnv(env: NodeJS.ProcessEnv, path = resolve('.env')): { env: NodeJS.ProcessEnv; problems: string[] } {
  const { values, problems } = readDotEnv(path);
  return { env: { ...values, ...env }, problems };
}
