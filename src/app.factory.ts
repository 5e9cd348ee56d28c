import cors from '@fastify/cors';
import { NestFactory } from '@nestjs/core';
import { answerClientError } from './common/http/client-errors';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { AppError } from './common/errors/app-error';
import { PROBLEM_CONTENT_TYPE, problemFor } from './common/errors/problem-details';
import { securityHeaders } from './common/http/security-headers';
import { NestPinoLogger } from './common/logging/nest-logger';
import { logRequest, routeTemplateOf } from './common/logging/request-log';
import { rootLogger } from './common/logging/root-logger';
import { setUpOpenApi } from './common/openapi/openapi';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './common/validation/json-depth';
import { AppMetrics } from './metrics/app-metrics';
import { LiveHub } from './live/live-hub';
import { isEventStreamRoute } from './live/stream-target';
import { AppConfig } from './config/app-config';
import { runMigrations } from './database/migrate';
import { dropNoOpClsEnhancers } from './database/transaction-context';
import { RecentWriters } from './database/read-your-writes';
import { ReplicaReads } from './database/replica-reads';
import { ArticlesService } from './articles/articles.service';
import { registerFrontEnds } from './web/front-ends';
import { demoArticleProvisioner } from './web/demo-article';

export const API_PREFIX = 'api/v1';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it looks like one, else makes one; the request log line reads it back from `request.id`. */
function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  (request as IncomingMessage & { id: string }).id = id;
  return id;
}

/**
 * JSON is the only body the API takes (anything else is a 415). The raw bytes
 * are kept on the request for Stripe's webhook signature check. A body nested
 * deeper than the contract allows is refused before it is parsed, so neither
 * the parser nor the recursive validators behind it ever walk it.
 */
function acceptOnlyJson(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    (request.raw as IncomingMessage & { rawBody?: Buffer }).rawBody = body as Buffer;
    if (exceedsJsonDepth(body as Buffer)) {
      done(new AppError('VALIDATION_FAILED', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    // The default parser answers through `done`; nothing to await.
    void parseJson(request, body.toString('utf8'), done);
  });
  // RFC 8058: a mail client's one-click unsubscribe is a form POST (`List-Unsubscribe=One-Click`) to the link's
  // address, which carries everything in its `token=`; the form is taken there only, and its content is not read.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (request, _body, done) => {
    if (request.url.split('?')[0] === ONE_CLICK_UNSUBSCRIBE_PATH) done(null, undefined);
    else done(new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json'), undefined);
  });
}

const ONE_CLICK_UNSUBSCRIBE_PATH = '/api/v1/email/unsubscribe';

/**
 * Every request passes two hooks of ours: one before routing (request id and security headers,
 * computed once here) and one after the response (metrics and the request log line). A live
 * stream (`@EventStreamRoute()`) usually ends with its client going away, which
 * Fastify's onResponse does not see: its line is written when its connection closes instead.
 */
function addRequestHooks(fastify: FastifyInstance, logger: NestPinoLogger, metrics: AppMetrics): void {
  const headers = securityHeaders();
  const record = (request: FastifyRequest, reply: FastifyReply) => {
    const route = routeTemplateOf(request);
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    logRequest(logger.pino, request, reply, route);
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    if (isEventStreamRoute(request)) {
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) record(request, reply);
      });
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    record(request, reply);
    done();
  });
}

/** Open live streams end before the server waits for in-flight requests, so shutdown does not wait out its grace on them. */
function closeStreamsOnShutdown(fastify: FastifyInstance, app: NestFastifyApplication): void {
  const hub = app.get(LiveHub);
  fastify.addHook('preClose', (done) => {
    hub.closeAll();
    done();
  });
}

export interface CreateAppOptions {
  /** Where log lines go; stdout unless a test captures them. */
  logDestination?: DestinationStream;
  /**
   * Builds the module graph without creating providers or touching the database,
   * so the OpenAPI document can be written from the code alone (`npm run openapi:generate`).
   */
  preview?: boolean;
  /** Where the built front ends are (default: dist/web); the browser tests build into a directory of their own. */
  webDirectory?: string;
}

/**
 * Fastify answers a path that is not valid percent-encoded UTF-8 (`%FF`, `%ED%A0%80`, a lone `%`) before any
 * route, filter or hook runs; without this its answer would be its own JSON, not problem+json.
 */
function answerBadUrl(_error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const problem = { ...problemFor('VALIDATION_FAILED', 'The request path is not valid percent-encoded UTF-8'), instance: request.url.split('?')[0] };
  void reply.status(400).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}

/**
 * Builds the whole application exactly as production runs it: main.ts and
 * the e2e tests both start here, so tests see the same pipes, filters and guards.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = new NestPinoLogger(rootLogger(config, options.logDestination));
  const adapter = new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    logger: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors: answerBadUrl,
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: options.preview ? false : logger,
    bodyParser: false,
    preview: options.preview,
  });
  if (!options.preview) dropNoOpClsEnhancers(app);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/ready', 'metrics'] });

  const fastify = app.getHttpAdapter().getInstance();
  // In preview no provider exists (there is no AppMetrics to count with, and nothing is served).
  if (!options.preview) {
    addRequestHooks(fastify, logger, app.get(AppMetrics));
    closeStreamsOnShutdown(fastify, app);
  }
  // Only replicas make a writer's next read depend on where it goes.
  if (!options.preview && app.get(ReplicaReads).configured) app.get(RecentWriters).install(fastify);
  acceptOnlyJson(fastify, config.bodyLimitBytes);

  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Api-Key'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  setUpOpenApi(app);

  if (options.preview) return app;
  registerFrontEnds(fastify, config, {
    directory: options.webDirectory,
    ensureDemoArticle: demoArticleProvisioner(app.get(ArticlesService), config),
  });
  const applied = await runMigrations(app.get(DataSource));
  logger.log(
    { applied },
    applied.length > 0 ? `Applied ${applied.length} migration(s)` : 'Database schema is up to date: no pending migrations',
    'Migrations',
  );
  return app;
}
