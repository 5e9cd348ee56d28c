import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { MIGRATIONS } from '../../migrations';

const CONNECTION_TIMEOUT_MS = 5_000;

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    synchronize: false,
    migrationsRun: false,
    // Bounded waits: with the database unreachable a request fails (503) instead of hanging on the pool.
    extra: { max: poolSize, application_name: 'margin', connectionTimeoutMillis: CONNECTION_TIMEOUT_MS },
    logging: false,
  };
}
