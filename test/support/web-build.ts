import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWeb } from '../../scripts/build-web';

/** Builds the front ends from the current web/ sources into a directory of this test file's own. */
export async function buildWebForTest(): Promise<{ directory: string; remove(): void }> {
  const directory = mkdtempSync(join(tmpdir(), 'margin-web-'));
  await buildWeb(directory);
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
