import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { PROBLEM_CONTENT_TYPE, problemFor } from '../common/errors/problem-details';
import { contentSecurityPolicy } from '../common/http/security-headers';

/**
 * The two front ends (reader embed and moderator console), built by `npm run build` from `web/` into
 * `dist/web`, served from memory: a handful of small files read once at start-up.
 *
 * - `/embed/margin.js`, `/embed/count.js`: fixed URLs pasted into newsrooms' pages, so a short max-age
 *   with an ETag (a new release reaches readers within five minutes); loadable from any origin (module
 *   scripts are fetched with CORS).
 * - `/embed/frame`: the embed alone on a page; only Margin and `EMBED_ORIGINS` may frame it.
 * - `/embed/demo`: a sample article page, outside production only.
 * - `/console/`: the moderators' single-page app; its script and stylesheet have hashed names, cached for a year.
 */

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};
const SHORT_CACHE = 'public, max-age=300';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const PAGE_CACHE = 'no-cache';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Where `npm run build` writes the front ends, from either src/web (ts-node, tests) or dist/src/web (production). */
export function defaultWebDirectory(): string {
  const root = resolve(__dirname, '..', '..');
  return basename(root) === 'dist' ? join(root, 'web') : join(root, 'dist', 'web');
}

function loadAssets(directory: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(directory)) return assets;
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else {
        const body = readFileSync(path);
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
        assets.set(`${prefix}${name}`, { body, type: TYPES[extname(name)] ?? 'application/octet-stream', etag });
      }
    }
  };
  walk(directory, '');
  return assets;
}

function notBuilt(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  const problem = {
    ...problemFor('SERVICE_UNAVAILABLE', 'The front ends are not built: run `npm run build`'),
    instance: request.url.split('?')[0],
  };
  return reply.status(503).header('content-type', PROBLEM_CONTENT_TYPE).header('cache-control', 'no-store').send(problem);
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset | undefined, cacheControl: string): FastifyReply {
  if (!asset) return notBuilt(reply, request);
  void reply.header('content-type', asset.type).header('cache-control', cacheControl).header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  return reply.send(asset.body);
}

/** Hook run before the demo page is answered (the app makes sure the demo article exists). */
export type DemoArticleHook = (articleId: string) => Promise<void>;

export interface FrontEndOptions {
  directory?: string;
  ensureDemoArticle?: DemoArticleHook;
}

const ARTICLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const DEMO_ARTICLE_ID = 'demo-harbour-fire';

export function registerFrontEnds(fastify: FastifyInstance, config: AppConfig, options: FrontEndOptions = {}): void {
  const assets = loadAssets(options.directory ?? defaultWebDirectory());
  const scriptHeaders = {
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
  };
  // The frame may be shown inside the newsroom's pages (and Margin's own), nowhere else.
  const framePolicy = contentSecurityPolicy({ 'frame-ancestors': ["'self'", ...config.embedOrigins] });

  for (const name of ['margin.js', 'count.js']) {
    fastify.get(`/embed/${name}`, (request, reply) => send(request, reply.headers(scriptHeaders), assets.get(`embed/${name}`), SHORT_CACHE));
  }
  fastify.get('/embed/frame', (request, reply) => {
    void reply.removeHeader('x-frame-options').header('content-security-policy', framePolicy);
    return send(request, reply, assets.get('embed/frame.html'), PAGE_CACHE);
  });
  fastify.get('/embed/frame.js', (request, reply) => send(request, reply, assets.get('embed/frame.js'), SHORT_CACHE));

  if (config.nodeEnv !== 'production') {
    fastify.get<{ Querystring: { article?: string } }>('/embed/demo', async (request, reply) => {
      const requested = typeof request.query.article === 'string' ? request.query.article : undefined;
      if (requested === undefined) return reply.redirect(`/embed/demo?article=${DEMO_ARTICLE_ID}`, 302);
      if (!ARTICLE_ID.test(requested)) {
        const problem = problemFor('VALIDATION_FAILED', 'article must be 1–128 characters from [A-Za-z0-9._:-]');
        return reply.status(400).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
      }
      if (assets.has('embed/demo.html')) await options.ensureDemoArticle?.(requested);
      return send(request, reply, assets.get('embed/demo.html'), PAGE_CACHE);
    });
    fastify.get('/embed/demo.js', (request, reply) => send(request, reply, assets.get('embed/demo.js'), SHORT_CACHE));
  }

  fastify.get('/console', (_request, reply) => reply.redirect('/console/', 301));
  fastify.get('/console/', (request, reply) => send(request, reply, assets.get('console/index.html'), PAGE_CACHE));
  fastify.get<{ Params: { file: string } }>('/console/assets/:file', (request, reply) => {
    const asset = assets.get(`console/assets/${request.params.file}`);
    if (!asset) {
      const problem = { ...problemFor('NOT_FOUND'), instance: request.url.split('?')[0] };
      return reply.status(404).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
    }
    return send(request, reply, asset, IMMUTABLE);
  });
}
