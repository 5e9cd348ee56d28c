import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface ShutdownSteps {
  app?: NestFastifyApplication;
  /** Stops the embedded database, if there is one; runs last. */
  stopDatabase?: () => Promise<void>;
  graceMs: number;
  log: (message: string) => void;
}

// Job workers and pools get this long after the requests have drained; a hung one must not keep the process.
const CLOSE_TIMEOUT_MS = 15_000;

async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((done) => (timer = setTimeout(() => done(false), ms)));
  try {
    return await Promise.race([work.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The order matters, and each step is bounded: stop accepting connections and
 * let in-flight requests finish (up to the grace; open live streams never
 * finish by themselves, so Fastify's preClose hook ends them first, see
 * app.factory.ts, and their clients reconnect elsewhere), then stop the job workers
 * and close the pools (Nest's shutdown hooks), and only then stop the
 * database those requests and jobs were using.
 */
export async function shutDown({ app, stopDatabase, graceMs, log }: ShutdownSteps): Promise<void> {
  if (app) {
    const server = app.getHttpServer();
    const drained = await within(app.getHttpAdapter().getInstance().close(), graceMs);
    if (!drained) {
      log(`Requests still in flight after ${graceMs / 1000} s (SHUTDOWN_GRACE_SECONDS): closing their connections`);
      server.closeAllConnections();
    }
    if (!(await within(app.close(), CLOSE_TIMEOUT_MS))) log('Job workers or pools did not close in time');
  }
  await stopDatabase?.();
}
