import { DataSource, MigrationExecutor } from 'typeorm';

// Any fixed number: it only has to be the same for every instance of the app.
const MIGRATION_LOCK_KEY = 4_242_001;

/**
 * Runs pending migrations under an advisory lock, so instances starting
 * together take turns. The lock is transaction-scoped (PgBouncer in
 * transaction mode keeps no session lock for us), so the lock and every
 * pending migration share one transaction on one connection: start-up works
 * with a pool of one, and a failed migration leaves none of the batch applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'none';
      const applied = await executor.executePendingMigrations();
      await runner.commitTransaction();
      return applied.map((migration) => migration.name);
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/**
 * Runs `work` while one transaction holds `pg_advisory_xact_lock(key)`; the
 * lock ends with that transaction (committed once `work` settles), so it is
 * safe behind a transaction-mode pooler, and a crash releases it.
 */
export async function whileHoldingTransactionLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T> {
  const holder = dataSource.createQueryRunner();
  await holder.connect();
  try {
    await holder.startTransaction();
    await holder.query('SELECT pg_advisory_xact_lock($1)', [key]);
    try {
      return await work();
    } finally {
      await holder.commitTransaction().catch(() => undefined);
    }
  } finally {
    await holder.release();
  }
}
