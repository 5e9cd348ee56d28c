import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { testDatabaseState } from './test-database-state';

/**
 * Gives the whole run a database of its own: a fresh one on the server named by
 * DATABASE_URL, or a throw-away embedded PostgreSQL when it is unset.
 */
export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  let url: string;
  // The embedded server serves the app over a Unix socket; tests that put a TCP proxy in front need its TCP address.
  let tcpUrl: string | undefined;
  if (serverUrl) {
    const name = `margin_test_${process.pid}_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const parsed = new URL(serverUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    testDatabaseState.dropDatabase = async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    };
  } else {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'margin-test-')), 'postgres');
    const embedded = await startEmbeddedPostgres({
      dataDir,
      database: 'margin_test',
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' },
    });
    url = embedded.url;
    tcpUrl = embedded.tcpUrl;
    testDatabaseState.stopEmbedded = embedded.stop;
    testDatabaseState.embeddedDir = dataDir;
  }
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();
  process.env.TEST_DATABASE_URL = url;
  process.env.TEST_DATABASE_TCP_URL = tcpUrl ?? url;
}
