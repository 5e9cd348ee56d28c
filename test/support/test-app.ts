import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp, CreateAppOptions } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { UnitOfWork } from '../../src/database/unit-of-work';

export const TEST_JWT_SECRET = 'test-secret-for-e2e-only-0123456789abcdef';

/** The environment every e2e app starts from; rate limits high unless a test lowers them. */
export function testEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.TEST_DATABASE_URL,
    DATABASE_POOL_SIZE: process.env.TEST_POOL_SIZE ?? '10',
    JWT_SECRET: TEST_JWT_SECRET,
    RATE_LIMIT_MAX: '100000',
    AUTH_RATE_LIMIT_MAX: '100000',
    COMMENT_RATE_LIMIT_MAX: '100000',
    CHECKOUT_RATE_LIMIT_MAX: '100000',
    PUBLIC_SITE_URL: 'https://news.example',
    CMS_API_KEY: 'test-cms-api-key-0123456789',
    ...extra,
  };
}

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  config: AppConfig;
  db: DataSource;
  /** The app's units of work: `transactions.run(...)` runs service calls as one; `transactions.tx` is its manager. */
  transactions: UnitOfWork;
  close(): Promise<void>;
}

/** Starts the real application (same factory as main.ts) on the run's test database. */
export async function createTestApp(extraEnv: Record<string, string> = {}, options: CreateAppOptions = {}): Promise<TestApp> {
  const config = loadConfig(testEnvironment(extraEnv));
  const app = await createApp(config, options);
  await app.init();
  if (process.env.TEST_POOL_SIZE === '1') reportLongPoolWaits(app.get(DataSource));
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: request(app.getHttpServer()),
    config,
    db: app.get(DataSource),
    transactions: app.get(UnitOfWork),
    close: () => app.close(),
  };
}

/**
 * With a pool of one, a query made outside a transaction's own connection waits
 * forever; print where it was made, so the hung test points at the culprit.
 */
function reportLongPoolWaits(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as { obtainMasterConnection: () => Promise<unknown> };
  const original = driver.obtainMasterConnection.bind(driver);
  driver.obtainMasterConnection = () => {
    const stack = new Error('still waiting for a pool connection after 3 s').stack;
    const timer = setTimeout(() => process.stderr.write(`${stack}\n`), 3000);
    return original().finally(() => clearTimeout(timer));
  };
}
