import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { AppError } from './common/errors/app-error';
import { PROBLEM_CONTENT_TYPE, problemFor } from './common/errors/problem-details';
import { setUpOpenApi } from './common/openapi/openapi';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './common/validation/json-depth';
import { AppConfig } from './config/app-config';
import { runMigrations } from './database/migrate';

export const API_PREFIX = 'api/v1';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it looks like one, else makes one; pino-http reads it back from `request.id`. */
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
    parseJson(request, body.toString('utf8'), done);
  });
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
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    logger: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors: answerBadUrl,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/ready'] });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  acceptOnlyJson(fastify, config.bodyLimitBytes);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Api-Key'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  setUpOpenApi(app);

  await runMigrations(app.get(DataSource));
  return app;
}
