import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { installProcessLogger } from './common/logging/nest-logger';
import { AppConfig, ConfigurationError } from './config/app-config';
import { loadStartupConfig } from './config/startup-config';
import { createApp } from './app.factory';
import { waitForDatabase } from './database/database-reachability';
import { embeddedDatabaseStatus } from './database/embedded-database-status';
import { RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';
import { shutDown } from './lifecycle/graceful-shutdown';
import { acquireInstanceLock, InstanceLock } from './lifecycle/instance-lock';
import { StartupError } from './lifecycle/startup-error';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

const bootLogger = new Logger('Bootstrap');
const log = (message: string) => bootLogger.log(message);

interface Database {
  config: AppConfig;
  embedded?: RunningPostgres;
  lock?: InstanceLock;
}

async function startDatabase(config: AppConfig): Promise<Database> {
  if (config.databaseUrl) {
    await waitForDatabase(config.databaseUrl, { log });
    return { config };
  }
  const lock = acquireInstanceLock(config.dataDir, config.port);
  const embedded = await startEmbeddedPostgres({
    dataDir: join(config.dataDir, 'postgres'),
    database: 'margin',
    log,
    status: embeddedDatabaseStatus,
    // Restarting did not help: exit, so that a process manager starts us afresh.
    onFailure: (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  });
  return { config: config.withOverrides({ databaseUrl: embedded.url }), embedded, lock };
}

async function bootstrap() {
  const { config, notices } = loadStartupConfig();
  installProcessLogger(config);
  for (const notice of notices) bootLogger.warn(notice);
  const { config: runConfig, embedded, lock } = await startDatabase(config);
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) return log(`${signal} received again: already shutting down`);
    shuttingDown = true;
    log(`${signal} received: finishing requests in flight, then stopping`);
    void shutDown({ app, stopDatabase: embedded?.stop, graceMs: runConfig.shutdownGraceSeconds * 1000, log }).finally(() => {
      log('Stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    app = await createApp(runConfig);
    await app.listen({ port: runConfig.port, host: runConfig.host });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const port = (app.getHttpServer().address() as AddressInfo).port;
  lock?.setPort(port);
  bootLogger.log(`Margin is listening on http://${runConfig.host}:${port} (docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigurationError || error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Margin failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
