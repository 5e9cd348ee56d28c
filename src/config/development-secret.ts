import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Outside production, a missing JWT_SECRET is generated once into the data
 * directory so `npm start` needs no setup and tokens survive restarts.
 */
export function ensureDevelopmentSecret(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.JWT_SECRET || env.NODE_ENV === 'production') return env;
  const dataDir = env.DATA_DIR || '.data';
  const secretFile = join(dataDir, 'jwt-secret');
  if (!existsSync(secretFile)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(secretFile, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return { ...env, JWT_SECRET: readFileSync(secretFile, 'utf8').trim() };
}
