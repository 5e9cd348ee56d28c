import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { testDatabaseState } from './test-database-state';

export default async function globalTeardown(): Promise<void> {
  await testDatabaseState.dropDatabase?.();
  await testDatabaseState.stopEmbedded?.();
  if (testDatabaseState.embeddedDir) rmSync(dirname(testDatabaseState.embeddedDir), { recursive: true, force: true });
}
