import { DataSource, MigrationExecutor } from 'typeorm';

// Any fixed number: it only has to be the same for every instance of the app.
const MIGRATION_LOCK_KEY = 4_242_001;

/**
 * Runs pending migrations under an advisory lock, so instances starting
 * together take turns. Lock and migrations share one connection, so start-up
 * works even with a pool of one.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
