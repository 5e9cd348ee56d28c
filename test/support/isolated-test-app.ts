import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrate';
import { uniqueSuffix } from '../factories/users.factory';
import type { CreateAppOptions } from '../../src/app.factory';
import { createTestApp, TestApp } from './test-app';

/**
 * An app on a database of its own, for tests that change site-wide state
 * (moderation settings, the set of admins) and must not disturb test files
 * running at the same time on the shared database.
 */
export async function createIsolatedTestApp(extraEnv: Record<string, string> = {}, options: CreateAppOptions = {}): Promise<TestApp> {
  const sharedUrl = process.env.TEST_DATABASE_URL as string;
  const name = `margin_iso_${uniqueSuffix()}`;
  const admin = new Client({ connectionString: sharedUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(sharedUrl);
  url.pathname = `/${name}`;
  const migrator = new DataSource(dataSourceOptions(url.toString(), 2));
  await migrator.initialize();
  await runMigrations(migrator);
  await migrator.destroy();

  const t = await createTestApp({ ...extraEnv, DATABASE_URL: url.toString() }, options);
  return {
    ...t,
    close: async () => {
      await t.close();
      const dropper = new Client({ connectionString: sharedUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}
