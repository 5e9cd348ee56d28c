import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { installProcessLogger } from './common/logging/nest-logger';
import { AppConfig, ConfigurationError } from './config/app-config';
import { loadStartupConfig } from './config/startup-config';
import { createApp } from './app.factory';
import { RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';
import { join } from 'node:path';

const bootLogger = new Logger('Bootstrap');

async function startDatabase(config: AppConfig): Promise<{ config: AppConfig; embedded?: RunningPostgres }> {
  if (config.databaseUrl) return { config };
  const embedded = await startEmbeddedPostgres({
    dataDir: join(config.dataDir, 'postgres'),
    database: 'margin',
    log: (message) => bootLogger.log(message),
  });
  return { config: config.withOverrides({ databaseUrl: embedded.url }), embedded };
}

async function bootstrap() {
  const { config, notices } = loadStartupConfig();
  installProcessLogger(config);
  for (const notice of notices) bootLogger.warn(notice);
  const { config: runConfig, embedded } = await startDatabase(config);
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  const shutdown = async (signal: string) => {
    bootLogger.log(`${signal} received: closing`);
    await app?.close().catch(() => undefined);
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  try {
    app = await createApp(runConfig);
    await app.listen({ port: runConfig.port, host: runConfig.host });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  bootLogger.log(`Margin is listening on http://${runConfig.host}:${runConfig.port} (docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Margin failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
