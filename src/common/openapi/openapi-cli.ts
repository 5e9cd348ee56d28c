import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../app.factory';
import { loadConfig } from '../../config/app-config';
import { stableJson } from './stable-json';

/**
 * `openapi:generate` writes openapi.json from the code; `openapi:check` fails
 * when the committed file differs. The app is built in preview mode (no
 * providers, no database), from a fixed configuration, so the output depends
 * on the code alone.
 */
export const COMMITTED_DOCUMENT = join(__dirname, '..', '..', '..', 'openapi.json');

const FIXED_ENVIRONMENT = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'openapi-generation-only-not-a-secret-0123456789',
  DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
};

export async function generatedDocument(): Promise<string> {
  const app = await createApp(loadConfig(FIXED_ENVIRONMENT), { preview: true });
  try {
    const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
    return stableJson(JSON.parse(response.body));
  } finally {
    await app.close();
  }
}

function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  generated: ${b[at] ?? '(end of file)'}`;
}

async function main(command: string | undefined): Promise<number> {
  const generated = await generatedDocument();
  if (command === 'write') {
    writeFileSync(COMMITTED_DOCUMENT, generated);
    process.stdout.write(`wrote ${COMMITTED_DOCUMENT}\n`);
    return 0;
  }
  if (command === 'check') {
    const committed = readFileSync(COMMITTED_DOCUMENT, 'utf8');
    if (committed === generated) {
      process.stdout.write('openapi.json matches the code\n');
      return 0;
    }
    process.stderr.write(
      `openapi.json differs from the document the code generates, first at ${firstDifference(committed, generated)}\n` +
        'Run `npm run openapi:generate`, review the diff (`git diff openapi.json`) and commit it.\n',
    );
    return 1;
  }
  process.stderr.write('usage: openapi-cli write|check\n');
  return 2;
}

if (require.main === module) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
