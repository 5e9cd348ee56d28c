import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import * as argon2 from 'argon2';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../src/auth/access-token';
import { dataSourceOptions } from '../src/database/data-source-options';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { runMigrations } from '../src/database/migrate';
import { FAN_OUT_JOB, FAN_OUT_LARGE_JOB } from '../src/notifications/notification-producer';
import { SmtpSink } from '../test/support/smtp-sink';
import { SeededRandom } from './random';
import { droppedStreams, holdStreams, liveFanOut } from './live-fanout';
import { FanOutData, seed, SeededData, seedFanOut } from './seed';

const ROOT = join(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const FAN_OUT_SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 60);
const FAN_OUT_RATE = Number(process.env.BENCH_FANOUT_RATE ?? 50);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const LIVE_STREAMS = Number(process.env.BENCH_LIVE_STREAMS ?? 5000);
const LIVE_ARTICLES = Number(process.env.BENCH_LIVE_ARTICLES ?? 50);
const LIVE_POST_RATE = Number(process.env.BENCH_LIVE_POST_RATE ?? 20);
/** Posts per second into the hot article while `read-expiry` reads it: each one invalidates the cached page. */
const EXPIRY_POST_RATE = Number(process.env.BENCH_EXPIRY_POST_RATE ?? 20);
/** BENCH_PORT_BASE (3900) moves the four ports the run listens on, so two runs on one machine do not collide. */
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3900);
const APP_PORT = PORT_BASE;
/** Lets the bench read the app's own counters (/metrics is closed in production without a token). */
const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';
const BASELINE_PORT = PORT_BASE + 1;
/** `two-instances`: a second app instance, and haproxy in front of both. */
const SECOND_APP_PORT = PORT_BASE + 2;
const BALANCER_PORT = PORT_BASE + 3;
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
/** Newsroom sign-in for `sso-exchange`: HS256 tokens from this secret (the app also accepts it). */
const SSO = { secret: 'bench-newsroom-secret-bench-newsroom-secret-0123', issuer: 'https://id.bench.example', audience: 'margin-bench' };
/** BENCH_PG_STATS=1 prints each workload's costliest statements (pg_stat_statements; embedded database only). */
const PG_STATS = process.env.BENCH_PG_STATS === '1';

const ALL_WORKLOADS = [
  'read', 'read-signed-in', 'read-50k', 'read-expiry', 'replies', 'feed', 'post-spread', 'post-hot', 'mixed', 'sso-exchange', 'fanout-lag', 'live-fanout', 'read-with-streams', 'post-with-streams', 'mail-burst', 'two-instances', 'soak',
] as const;
/** Replies (and so e-mails to different verified readers) in the mail-burst workload. */
const MAIL_BURST_SIZE = Number(process.env.BENCH_MAIL_BURST ?? 1000);
type WorkloadName = (typeof ALL_WORKLOADS)[number];

/**
 * `--only read,feed` (or BENCH_ONLY) picks workloads; the two baselines always run. The 10-minute soak runs
 * only when named or when BENCH_SOAK_SECONDS is set.
 */
function selectedWorkloads(): Set<WorkloadName> {
  const flag = process.argv.indexOf('--only');
  const only = (flag >= 0 ? process.argv[flag + 1] : process.env.BENCH_ONLY)?.split(',').map((name) => name.trim()).filter(Boolean);
  if (only) {
    const unknown = only.filter((name) => !(ALL_WORKLOADS as readonly string[]).includes(name));
    if (unknown.length > 0) throw new Error(`Unknown workload(s): ${unknown.join(', ')}; known: ${ALL_WORKLOADS.join(', ')}`);
    return new Set(only as WorkloadName[]);
  }
  return new Set(ALL_WORKLOADS.filter((name) => name !== 'soak' || process.env.BENCH_SOAK_SECONDS !== undefined));
}

const log = (message: string) => process.stderr.write(`${message}\n`);

async function printStatementStats(url: string, workload: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT calls, round(mean_exec_time::numeric, 3) AS mean_ms, round(total_exec_time::numeric, 1) AS total_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
       FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 30`,
  );
  log(`-- ${workload}: costliest statements`);
  for (const row of rows) log(`${String(row.calls).padStart(7)} × ${String(row.mean_ms).padStart(8)} ms = ${String(row.total_ms).padStart(8)} ms  ${row.query}`);
  await client.query('SELECT pg_stat_statements_reset()');
  await client.end();
}

type Request = autocannon.Request;

interface Target {
  /** What the row must show, in words for the table. */
  label: string;
  met(row: Row): boolean;
}

interface Row {
  workload: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  bytesPerResponse: number;
  ratio: number | null;
  ratioTo: string | null;
  /** Workload-specific numbers (fan-out lag and drain, RSS over the soak). */
  detail: string;
  extra?: Record<string, unknown>;
}

/** Everything the run creates and must remove, also on Ctrl-C. */
class Resources {
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private done?: Promise<void>;

  add(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  release(): Promise<void> {
    this.done ??= (async () => {
      for (const cleanup of this.cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          log(`cleanup: ${(error as Error).message}`);
        }
      }
    })();
    return this.done;
  }
}

/**
 * One temp directory for the whole run, made the process's (and its children's) TMPDIR, so that the embedded
 * PostgreSQL's data, socket and any fallback copy of its binaries all land in it and go with it.
 */
function ownTempDirectory(resources: Resources): string {
  const dir = mkdtempSync(join(tmpdir(), 'margin-bench-'));
  // PostgreSQL runs as an unprivileged account when we are root: it must be able to enter the directory.
  chmodSync(dir, 0o755);
  process.env.TMPDIR = dir;
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function prepareDatabase(resources: Resources, tempDir: string): Promise<string> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `margin_bench_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    resources.add(async () => {
      if (process.env.BENCH_KEEP === '1') {
        log(`kept the bench database ${name}`);
        return;
      }
      const client = new Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    });
    const url = new URL(server);
    url.pathname = `/${name}`;
    return url.toString();
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: join(tempDir, 'postgres'),
    database: 'margin_bench',
    log,
    settings: {
      shared_buffers: '256MB',
      max_connections: '100',
      ...(PG_STATS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {}),
    },
  });
  resources.add(() => embedded.stop());
  return embedded.url;
}

async function signInReaders(db: DataSource, readerIds: string[]): Promise<Map<string, string>> {
  const jwt = new JwtService({ secret: JWT_SECRET });
  const tokens = new Map<string, string>();
  for (const userId of readerIds) {
    const sessionId = randomUUID();
    await db.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [sessionId, userId]);
    tokens.set(userId, jwt.sign({ sub: userId, role: 'reader', sid: sessionId }, { expiresIn: 7200, issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE }));
  }
  return tokens;
}

/** The node flags `npm start` uses (package.json), so the bench measures the app as it is run. */
function productionNodeFlags(): string {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.replace(/^node\s+/, '').replace(/\s*dist\/src\/main\.js.*$/, '');
}

function startApp(databaseUrl: string, port = APP_PORT, extraEnv: Record<string, string> = {}): ChildProcess {
  if (!existsSync(join(ROOT, 'dist/src/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const nodeFlags = (process.env.BENCH_APP_NODE_FLAGS ?? productionNodeFlags()).split(' ').filter(Boolean);
  return spawn(process.execPath, [...nodeFlags, ...profile, 'dist/src/main.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      JWT_SECRET,
      RATE_LIMIT_MAX: '100000000',
      COMMENT_RATE_LIMIT_MAX: '100000000',
      AUTH_RATE_LIMIT_MAX: '100000000',
      // The bench's streams all come from 127.0.0.1.
      LIVE_MAX_STREAMS_PER_CLIENT: '100000',
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      SSO_SECRETS: SSO.secret,
      SSO_ISSUER: SSO.issuer,
      SSO_AUDIENCE: SSO.audience,
      // Production refuses to start without SMTP_URL; the mail-burst workload's in-process SMTP server, else no e-mail.
      ...(extraEnv.SMTP_URL ? {} : { MAIL_DISABLED: 'true' }),
      ...extraEnv,
    },
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitReady(url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become ready`);
}

/** Refuses to measure against a baseline that answers other bytes than the app. */
async function assertSameReadBytes(data: SeededData): Promise<number> {
  const [app, baseline] = await Promise.all([
    fetch(`http://127.0.0.1:${APP_PORT}/api/v1/articles/${data.hotArticleId}/comments`).then((response) => response.text()),
    fetch(`http://127.0.0.1:${BASELINE_PORT}/articles/${data.hotArticleId}/comments`).then((response) => response.text()),
  ]);
  if (app !== baseline) {
    const at = [...app].findIndex((char, index) => char !== baseline[index]);
    throw new Error(
      `The baseline's read differs from the app's (${baseline.length} vs ${app.length} bytes, first difference at ${at}): ` +
        `app …${app.slice(Math.max(0, at - 60), at + 60)}… baseline …${baseline.slice(Math.max(0, at - 60), at + 60)}…`,
    );
  }
  return app.length;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function fire(url: string, requests: Request[], duration: number, options: Partial<autocannon.Options> = {}): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration, requests, timeout: 10, ...options });
}

/** The body size of one response to a workload's request, asked once outside the load. */
async function probeBodyBytes(target: string, request: Request): Promise<number> {
  const setup = typeof request.setupRequest === 'function' ? request.setupRequest : undefined;
  const shaped = setup ? setup({ ...request }, {}) : request;
  const response = await fetch(`${target}${shaped?.path ?? request.path}`, {
    method: shaped?.method ?? 'GET',
    headers: (shaped?.headers ?? {}) as Record<string, string>,
    body: typeof shaped?.body === 'string' ? shaped.body : undefined,
  });
  return (await response.arrayBuffer()).byteLength;
}

function toRow(workload: string, result: autocannon.Result, detail = ''): Row {
  return {
    workload,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    // autocannon's byte counts undercount when its own process is short of CPU (the same 27 kB page read
    // as 11 kB per response at 12,000 req/s); the simple workloads replace this with one probe's bytes.
    bytesPerResponse: result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
    ratio: null,
    ratioTo: null,
    detail,
  };
}

interface Context {
  data: SeededData;
  tokens: Map<string, string>;
  random: SeededRandom;
  uniqueBody: () => string;
  bearer: () => string;
}

const appUrl = `http://127.0.0.1:${APP_PORT}`;
const baselineUrl = `http://127.0.0.1:${BASELINE_PORT}`;

function postTo(context: Context, articleId: () => string): Request {
  return {
    method: 'POST',
    path: '/',
    setupRequest: (request) => ({
      ...request,
      method: 'POST',
      path: `/api/v1/articles/${articleId()}/comments`,
      headers: { 'content-type': 'application/json', authorization: context.bearer() },
      body: JSON.stringify({ body: context.uniqueBody() }),
    }),
  };
}

/** The simple workloads: one autocannon run each, against the app or the baseline. */
function loadOf(name: string, context: Context): { target: string; requests: Request[] } | undefined {
  const { data, random } = context;
  const hotPage = `/api/v1/articles/${data.hotArticleId}/comments`;
  switch (name) {
    case 'baseline-read':
      return { target: baselineUrl, requests: [{ method: 'GET', path: `/articles/${data.hotArticleId}/comments` }] };
    case 'baseline-post':
      return {
        target: baselineUrl,
        requests: [{
          method: 'POST',
          path: '/',
          setupRequest: (request) => ({
            ...request,
            path: `/articles/${random.pick(data.quietArticleIds)}/comments`,
            headers: { 'content-type': 'application/json', 'x-author-id': random.pick(data.readerIds) },
            body: JSON.stringify({ body: context.uniqueBody() }),
          }),
        }],
      };
    case 'read':
      return { target: appUrl, requests: [{ method: 'GET', path: hotPage }] };
    case 'read-signed-in':
      return {
        target: appUrl,
        requests: [{ method: 'GET', path: hotPage, setupRequest: (request) => ({ ...request, headers: { authorization: context.bearer() } }) }],
      };
    case 'read-50k':
      return { target: appUrl, requests: [{ method: 'GET', path: `/api/v1/articles/${data.bigArticleId}/comments` }] };
    case 'replies':
      return { target: appUrl, requests: [{ method: 'GET', path: `/api/v1/comments/${data.busiestRootId}/replies` }] };
    case 'feed':
      return {
        target: appUrl,
        requests: [{ method: 'GET', path: '/api/v1/me/feed', headers: { authorization: `Bearer ${context.tokens.get(data.feedReaderId)}` } }],
      };
    case 'post-spread':
      return { target: appUrl, requests: [postTo(context, () => random.pick(data.quietArticleIds))] };
    case 'post-hot':
      return { target: appUrl, requests: [postTo(context, () => data.hotArticleId)] };
    case 'mixed':
      return { target: appUrl, requests: [mixedRequest(context)] };
    case 'sso-exchange':
      return {
        target: appUrl,
        requests: [{
          method: 'POST',
          path: '/api/v1/auth/sso',
          setupRequest: (request) => ({
            ...request,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token: newsroomToken(`bench-reader-${random.int(0, 999)}`) }),
          }),
        }],
      };
    default:
      return undefined;
  }
}

/**
 * A newsroom token as an identity service mints it (HS256, a fresh jti, 5 minutes), signed synchronously
 * because autocannon's request set-up cannot wait. 1,000 subjects: the first exchange of each creates its
 * account, every later one signs in to it (a profile check, a jti insert and a new session each time).
 */
function newsroomToken(subject: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
    sub: subject, iss: SSO.issuer, aud: SSO.audience, iat: now, exp: now + 300, jti: randomUUID(), name: `Bench ${subject}`,
  })}`;
  return `${unsigned}.${createHmac('sha256', SSO.secret).update(unsigned).digest('base64url')}`;
}

/** 90 % reads of 50 articles, 8 % posts, 2 % reactions. */
function mixedRequest(context: Context): Request {
  const { data, random } = context;
  const post = postTo(context, () => random.pick(data.articleIds));
  const reactors = [...context.tokens].filter(([readerId]) => readerId !== data.busiestRootAuthorId).map(([, token]) => token);
  const reactor = () => `Bearer ${random.pick(reactors)}`;
  return {
    method: 'GET',
    path: '/',
    setupRequest: (request) => {
      const roll = random.next();
      if (roll < 0.9) return { ...request, method: 'GET', path: `/api/v1/articles/${random.pick(data.articleIds.slice(0, 50))}/comments`, headers: {}, body: undefined };
      if (roll < 0.98) return (post.setupRequest as (request: Request) => Request)(request);
      return { ...request, method: 'PUT', path: `/api/v1/comments/${data.busiestRootId}/reaction`, headers: { authorization: reactor() }, body: undefined };
    },
  };
}

/** Anonymous reads of the hot page while posts into it keep invalidating its cached copy. */
async function readExpiry(context: Context): Promise<Row> {
  const hotPage = `/api/v1/articles/${context.data.hotArticleId}/comments`;
  const reads = fire(appUrl, [{ method: 'GET', path: hotPage }], DURATION);
  const posts = fire(appUrl, [postTo(context, () => context.data.hotArticleId)], DURATION, { connections: 4, overallRate: EXPIRY_POST_RATE });
  const [readResult, postResult] = await Promise.all([reads, posts]);
  return toRow('read-expiry', readResult, `${postResult.requests.average.toFixed(0)} posts/s into the page, ${postResult.non2xx + postResult.errors} failed`);
}

async function pendingFanOut(client: Client): Promise<number> {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = ANY($1::text[]) AND state IN ('created', 'retry', 'active')`,
    [[FAN_OUT_JOB, FAN_OUT_LARGE_JOB]],
  );
  return rows[0].n as number;
}

async function waitForEmptyFanOut(client: Client, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await pendingFanOut(client)) === 0) return (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

/**
 * Item 1's scenario: FAN_OUT_RATE posts/s for FAN_OUT_SECONDS by authors with 0–1,000 followers and one with
 * 50,000. A post's lag is its fan-out job's completion minus its creation (inside the post's transaction, so
 * before its 201): an upper bound on how long after the 201 its last notification exists. Then how long the
 * queue takes to empty once the load stops, and a count that every notification exists exactly once.
 */
async function fanOutLag(context: Context, databaseUrl: string, fanOut: FanOutData, fanOutTokens: Map<string, string>): Promise<Row> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const backlog = await waitForEmptyFanOut(client, 120_000);
    if (backlog === null) throw new Error('fanout-lag: the fan-out queue left by earlier workloads did not empty within 120 s');
    const [{ started }] = (await client.query(`SELECT now() AS started`)).rows as { started: Date }[];
    const authors = fanOut.authorIds;
    const request: Request = {
      method: 'POST',
      path: '/',
      setupRequest: (base) => ({
        ...base,
        method: 'POST',
        path: `/api/v1/articles/${context.random.pick(context.data.articleIds)}/comments`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${fanOutTokens.get(context.random.pick(authors))}` },
        body: JSON.stringify({ body: context.uniqueBody() }),
      }),
    };
    const result = await fire(appUrl, [request], FAN_OUT_SECONDS, { connections: 10, overallRate: FAN_OUT_RATE });
    const drained = await waitForEmptyFanOut(client, 300_000);
    // A large author's post is done when its FAN_OUT_LARGE_JOB completes (the FAN_OUT_JOB that handed it on completes first).
    const { rows: [lag] } = await client.query(
      `WITH posts AS (
         SELECT data->>'commentId' AS comment_id, created_on, completed_on FROM pgboss.job
         WHERE name = $1 AND created_on >= $3 AND state = 'completed'
       ), large AS (
         SELECT data->>'commentId' AS comment_id, max(completed_on) AS completed_on FROM pgboss.job
         WHERE name = $2 AND created_on >= $3 AND state = 'completed' GROUP BY 1
       ), lags AS (
         SELECT extract(epoch FROM greatest(p.completed_on, l.completed_on) - p.created_on) AS lag, l.comment_id IS NOT NULL AS large
         FROM posts p LEFT JOIN large l USING (comment_id)
       )
       SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99,
              count(*)::int AS jobs, count(*) FILTER (WHERE large)::int AS large_jobs, max(lag) FILTER (WHERE large) AS large_max
       FROM lags`,
      [FAN_OUT_JOB, FAN_OUT_LARGE_JOB, started],
    );
    const { rows: [delivery] } = await client.query(
      `WITH posts AS (
         SELECT id, author_id FROM comments WHERE created_at >= $1 AND author_id = ANY($2::uuid[]) AND status = 'visible'
       )
       SELECT (SELECT coalesce(sum(f.n), 0)::int FROM posts p JOIN unnest($2::uuid[], $3::int[]) AS f(author_id, n) ON f.author_id = p.author_id) AS expected,
              (SELECT count(*)::int FROM notifications WHERE type = 'followed_comment' AND comment_id IN (SELECT id FROM posts)) AS delivered`,
      [started, authors, authors.map((id) => fanOut.followersOf.get(id) ?? 0)],
    );
    const payload = await activityJobPayload(client, started, fanOut.authorIds[fanOut.authorIds.length - 1]);
    const row = toRow('fanout-lag', result);
    row.p50 = Number(lag.p50 ?? 0) * 1000;
    row.p99 = Number(lag.p99 ?? 0) * 1000;
    row.errors += Math.abs(delivery.expected - delivery.delivered);
    row.detail =
      `lag p50 ${(row.p50 / 1000).toFixed(2)} s, p99 ${(row.p99 / 1000).toFixed(2)} s over ${lag.jobs} posts ` +
      `(${lag.large_jobs} by large authors, max ${Number(lag.large_max ?? 0).toFixed(2)} s); ` +
      `drained ${drained === null ? 'NOT within 300 s' : `${drained.toFixed(1)} s`} after the load; ` +
      `${delivery.delivered}/${delivery.expected} notifications; ` +
      `e-mail jobs ${payload.jobs} (${payload.bytes} B payload; the 50,000-follower author's ${payload.famousJobs} jobs ${payload.famousBytes} B, largest ${payload.maxBytes} B)`;
    row.extra = { lagP50Seconds: row.p50 / 1000, lagP99Seconds: row.p99 / 1000, drainedSeconds: drained, ...delivery, activityJobs: payload };
    return row;
  } finally {
    await client.end();
  }
}

/**
 * The activity e-mail jobs (`mail.activity`) queued since `since`: how many, their payload bytes (the JSON pg-boss
 * stores), and the share of `famousId`'s posts (a job's first notification names its post; a fan-out chunk's job
 * holds one post's rows).
 */
async function activityJobPayload(client: Client, since: Date, famousId?: string) {
  const { rows: [payload] } = await client.query(
    `WITH jobs AS (
       SELECT data, created_on FROM pgboss.job WHERE name = 'mail.activity' AND created_on >= $1
       UNION ALL SELECT data, created_on FROM pgboss.archive WHERE name = 'mail.activity' AND created_on >= $1
     )
     SELECT count(*)::int AS jobs, coalesce(sum(octet_length(j.data::text)), 0)::bigint AS bytes,
            coalesce(max(octet_length(j.data::text)), 0)::int AS "maxBytes",
            count(*) FILTER (WHERE c.author_id = $2)::int AS "famousJobs",
            coalesce(sum(octet_length(j.data::text)) FILTER (WHERE c.author_id = $2), 0)::bigint AS "famousBytes"
       FROM jobs j
       LEFT JOIN notifications n ON n.id = (j.data->'notificationIds'->>0)::uuid
       LEFT JOIN comments c ON c.id = n.comment_id`,
    [since, famousId ?? null],
  );
  return { jobs: payload.jobs as number, bytes: Number(payload.bytes), maxBytes: payload.maxBytes as number, famousJobs: payload.famousJobs as number, famousBytes: Number(payload.famousBytes) };
}

/** LIVE_STREAMS streams over LIVE_ARTICLES articles while LIVE_POST_RATE posts a second arrive: delivery latency from each post's 201. */
async function liveFanOutRow(context: Context): Promise<Row> {
  const result = await liveFanOut({
    appUrl,
    articleIds: context.data.articleIds.slice(2, 2 + LIVE_ARTICLES),
    streams: LIVE_STREAMS,
    postsPerSecond: LIVE_POST_RATE,
    seconds: DURATION,
    bearer: context.bearer,
    uniqueBody: context.uniqueBody,
  });
  return {
    workload: 'live-fanout',
    reqPerSec: result.posts / DURATION,
    p50: result.p50Ms,
    p99: result.p99Ms,
    errors: result.postErrors + result.lostStreams + (result.expectedDeliveries - result.deliveries),
    bytesPerResponse: 0,
    ratio: null,
    ratioTo: null,
    detail:
      `${LIVE_STREAMS} streams over ${LIVE_ARTICLES} articles, ${result.posts} posts: delivery p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
      `max ${result.maxMs} ms; ${result.deliveries}/${result.expectedDeliveries} delivered, ${result.lostStreams} streams lost`,
    extra: { ...result },
  };
}

/** `read` or `post-spread` again while LIVE_STREAMS streams stay open, compared with the same run's row without them. */
async function withStreams(name: string, plain: 'read' | 'post-spread', context: Context, rows: Row[]): Promise<Row> {
  const load = loadOf(plain, context) as { target: string; requests: Request[] };
  const held = await holdStreams(appUrl, context.data.articleIds.slice(2, 2 + LIVE_ARTICLES), LIVE_STREAMS);
  const droppedBefore = await droppedStreams(appUrl, BENCH_METRICS_TOKEN);
  try {
    await fire(load.target, load.requests, WARMUP);
    const row = toRow(name, await fire(load.target, load.requests, DURATION));
    const ended = held.ended();
    const droppedAfter = await droppedStreams(appUrl, BENCH_METRICS_TOKEN);
    const slow = (droppedAfter.slow ?? 0) - (droppedBefore.slow ?? 0);
    row.errors += held.failedToOpen + ended;
    const without = rows.find((each) => each.workload === plain);
    const share = without && without.reqPerSec > 0 ? row.reqPerSec / without.reqPerSec : null;
    row.detail =
      `${LIVE_STREAMS} streams held (${held.failedToOpen} failed to open, ${ended} ended, ${slow} of them dropped by the app as slow); ` +
      (share === null ? `run \`${plain}\` too to compare` : `${(share * 100).toFixed(0)} % of \`${plain}\` without them`);
    row.extra = { streams: LIVE_STREAMS, failedToOpen: held.failedToOpen, ended, droppedSlow: slow, shareOfPlain: share };
    return row;
  } finally {
    held.close();
  }
}

/** The mixed load for SOAK_SECONDS, sampling the app's RSS every 5 s. */
async function soak(context: Context, app: ChildProcess): Promise<Row> {
  const samples: { at: number; rssMb: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(() => {
    if (app.pid) samples.push({ at: (Date.now() - started) / 1000, rssMb: rssOf(app.pid) });
  }, 5000);
  const progress = setInterval(() => {
    const last = samples.at(-1);
    if (last) log(`soak: ${last.at.toFixed(0)} s, RSS ${last.rssMb.toFixed(0)} MB`);
  }, 60_000);
  let result: autocannon.Result;
  try {
    result = await fire(appUrl, [mixedRequest(context)], SOAK_SECONDS);
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
  }
  // After the first tenth (start-up growth), compare the first and last minutes' medians.
  const settled = samples.filter((sample) => sample.at >= SOAK_SECONDS / 10);
  const window = Math.max(1, Math.min(12, Math.floor(settled.length / 3)));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const first = median(settled.slice(0, window).map((sample) => sample.rssMb));
  const last = median(settled.slice(-window).map((sample) => sample.rssMb));
  const max = Math.max(0, ...samples.map((sample) => sample.rssMb));
  const drift = first > 0 ? (last - first) / first : 0;
  const row = toRow('soak', result, `RSS ${first.toFixed(0)} → ${last.toFixed(0)} MB (${(drift * 100).toFixed(1)} %), max ${max.toFixed(0)} MB over ${SOAK_SECONDS} s`);
  row.extra = { rssFirstMb: first, rssLastMb: last, rssMaxMb: max, drift, samples };
  return row;
}

/** Runs `work` on `items` with at most `concurrency` in flight. */
async function inPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/**
 * Issue 14 item 6: MAIL_BURST_SIZE verified readers each have a comment; as many other readers reply at once, one
 * reply each. Measured: how long from the first reply until the in-process SMTP server has received every reply
 * e-mail (through the inbox rows, the activity job and the send job), and the replies' own latency.
 */
async function mailBurst(context: Context, sink: SmtpSink, targets: { id: string; token: string }[]): Promise<Row> {
  const articleId = context.data.articleIds[1];
  const post = async (token: string, body: object): Promise<{ status: number; id?: string; ms: number }> => {
    const started = performance.now();
    const response = await fetch(`${appUrl}/api/v1/articles/${articleId}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { id?: string };
    return { status: response.status, id: json.id, ms: performance.now() - started };
  };
  const parents: string[] = [];
  await inPool(targets, 10, async (target) => {
    const result = await post(target.token, { body: context.uniqueBody() });
    if (result.id) parents.push(result.id);
  });
  const repliers = [...context.tokens.values()].slice(0, parents.length);
  const marker = `mail-burst-${randomUUID()}`;
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  await inPool(parents.map((parentId, index) => ({ parentId, token: repliers[index] })), 20, async ({ parentId, token }) => {
    const result = await post(token, { body: `${marker} ${context.uniqueBody()}`, parentId });
    latencies.push(result.ms);
    if (result.status !== 201) failed += 1;
  });
  const sentSeconds = (performance.now() - started) / 1000;
  const delivered = () => sink.received.filter((mail) => mail.text.includes(marker)).length;
  const deadline = Date.now() + 180_000;
  while (delivered() < parents.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const deliveredSeconds = (performance.now() - started) / 1000;
  const count = delivered();
  const row: Row = {
    workload: 'mail-burst',
    reqPerSec: parents.length / sentSeconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors: failed + (parents.length - count),
    bytesPerResponse: 0,
    ratio: null,
    ratioTo: null,
    detail: `${count}/${parents.length} reply e-mails received ${deliveredSeconds.toFixed(1)} s after the first reply (replies sent in ${sentSeconds.toFixed(1)} s)`,
    extra: { deliveredSeconds, delivered: count, expected: parents.length },
  };
  return row;
}

const TARGETS: Record<string, Target> = {
  read: { label: '≥ 3× baseline-read, p99 ≤ 25 ms', met: (row) => (row.ratio ?? 0) >= 3 && row.p99 <= 25 },
  'read-expiry': { label: 'p99 ≤ 30 ms', met: (row) => row.p99 <= 30 },
  'read-signed-in': { label: '≥ 1× baseline-read', met: (row) => (row.ratio ?? 0) >= 1 },
  replies: { label: '≥ 1× baseline-read, p99 ≤ 50 ms', met: (row) => (row.ratio ?? 0) >= 1 && row.p99 <= 50 },
  feed: { label: '≥ 1× baseline-read, p99 ≤ 50 ms', met: (row) => (row.ratio ?? 0) >= 1 && row.p99 <= 50 },
  'post-spread': { label: '≥ 0.25× baseline-post', met: (row) => (row.ratio ?? 0) >= 0.25 },
  'post-hot': { label: '≥ 0.12× baseline-post, p99 ≤ 100 ms, 0 errors', met: (row) => (row.ratio ?? 0) >= 0.12 && row.p99 <= 100 && row.errors === 0 },
  'read-with-streams': { label: '≥ 80 % of read', met: (row) => ((row.extra?.shareOfPlain as number | null) ?? 0) >= 0.8 && row.errors === 0 },
  'post-with-streams': { label: '≥ 80 % of post-spread', met: (row) => ((row.extra?.shareOfPlain as number | null) ?? 0) >= 0.8 && row.errors === 0 },
  'live-fanout': {
    label: 'delivery p99 ≤ 1 s, every stream kept, all delivered',
    met: (row) => row.p99 <= 1000 && row.errors === 0,
  },
  'fanout-lag': {
    label: 'lag p99 ≤ 5 s, drained ≤ 10 s, all delivered',
    met: (row) => {
      const drained = row.extra?.drainedSeconds as number | null;
      return row.p99 <= 5000 && drained !== null && drained <= 10 && row.errors === 0;
    },
  },
  'mail-burst': {
    label: 'all delivered ≤ 60 s',
    met: (row) => row.errors === 0 && (row.extra?.deliveredSeconds as number) <= 60,
  },
  soak: {
    label: 'RSS flat ±10 %, ≤ 250 MB',
    met: (row) => Math.abs(row.extra?.drift as number) <= 0.1 && (row.extra?.rssMaxMb as number) <= 250,
  },
};

function withRatio(row: Row, baseline: { read?: number; post?: number }): Row {
  if (row.workload.startsWith('baseline') || row.workload === 'fanout-lag' || row.workload === 'live-fanout' || row.workload === 'soak') return row;
  if (row.workload === 'sso-exchange') return row;
  if (row.workload === 'mail-burst') return row;
  const against = row.workload.startsWith('post') ? 'post' : 'read';
  const value = baseline[against];
  return value ? { ...row, ratio: row.reqPerSec / value, ratioTo: `baseline-${against}` } : row;
}

function printTable(rows: Row[], maxRssMb: number) {
  const header = ['workload', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'bytes/resp', 'ratio', 'target', 'met', 'detail'];
  const lines = rows.map((row) => {
    const target = TARGETS[row.workload];
    return [
      row.workload,
      row.reqPerSec.toFixed(0),
      row.p50.toFixed(1),
      row.p99.toFixed(1),
      String(row.errors),
      row.bytesPerResponse.toFixed(0),
      row.ratio === null ? '—' : `${row.ratio.toFixed(2)}× ${row.ratioTo}`,
      target?.label ?? '—',
      target ? (target.met(row) ? 'met' : 'MISSED') : '—',
      row.detail,
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  process.stdout.write(`${format(header)}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|\n`);
  for (const line of lines) process.stdout.write(`${format(line)}\n`);
  process.stdout.write(`\nmax RSS of the app under load: ${maxRssMb.toFixed(0)} MB\n`);
}

/**
 * Read (the hot first page) and post (spread over quiet articles) throughput of two instances behind haproxy
 * against the one instance alone, on the same machine and database (both take the bench's environment: with
 * REDIS_URL set they share the cached page's versions, else each caches on its own). Needs Debian's haproxy.
 */
async function twoInstances(context: Context, databaseUrl: string, resources: Resources, tempDir: string): Promise<Row> {
  const second = startApp(databaseUrl, SECOND_APP_PORT);
  resources.add(() => stopChild(second));
  const config = join(tempDir, 'haproxy.cfg');
  writeFileSync(config, [
    'global', '  maxconn 4000', 'defaults', '  mode http', '  timeout connect 2s', '  timeout client 30s', '  timeout server 30s',
    'frontend margin', `  bind 127.0.0.1:${BALANCER_PORT}`, '  default_backend apps',
    'backend apps', '  balance roundrobin', `  server a 127.0.0.1:${APP_PORT}`, `  server b 127.0.0.1:${SECOND_APP_PORT}`, '',
  ].join('\n'));
  const balancer = spawn('haproxy', ['-W', '-db', '-f', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  resources.add(() => stopChild(balancer));
  await waitReady(`http://127.0.0.1:${SECOND_APP_PORT}/health/ready`);
  await waitReady(`http://127.0.0.1:${BALANCER_PORT}/health`);
  const read = [{ method: 'GET' as const, path: `/api/v1/articles/${context.data.hotArticleId}/comments` }];
  const post = [postTo(context, () => context.random.pick(context.data.quietArticleIds))];
  const balanced = `http://127.0.0.1:${BALANCER_PORT}`;
  const measured: Record<string, autocannon.Result> = {};
  for (const [name, target, requests] of [['one-read', appUrl, read], ['two-read', balanced, read], ['one-post', appUrl, post], ['two-post', balanced, post]] as const) {
    await fire(target, [...requests], WARMUP);
    measured[name] = await fire(target, [...requests], DURATION);
  }
  const rate = (name: string) => Math.round(measured[name].requests.average);
  const row = toRow('two-instances', measured['two-read']);
  row.errors = Object.values(measured).reduce((sum, result) => sum + result.errors + result.timeouts + result.non2xx, 0);
  row.detail =
    `read ${rate('two-read')} req/s vs ${rate('one-read')} on one (${(rate('two-read') / rate('one-read')).toFixed(2)}×); ` +
    `post ${rate('two-post')} req/s vs ${rate('one-post')} on one (${(rate('two-post') / rate('one-post')).toFixed(2)}×), p99 ${measured['two-post'].latency.p99} vs ${measured['one-post'].latency.p99} ms`;
  row.extra = Object.fromEntries(Object.entries(measured).map(([name, result]) => [name, { reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }]));
  await stopChild(balancer);
  await stopChild(second);
  return row;
}

async function main(resources: Resources) {
  const selected = selectedWorkloads();
  const tempDir = ownTempDirectory(resources);
  const url = await prepareDatabase(resources, tempDir);
  const db = new DataSource(dataSourceOptions(url, 4));
  await db.initialize();
  await runMigrations(db);
  if (PG_STATS) await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  log('seeding…');
  const started = Date.now();
  const data = await seed(db, await argon2.hash('bench password', { type: argon2.argon2id }));
  const tokens = await signInReaders(db, data.readerIds.slice(0, 1000));
  let fanOut: FanOutData | undefined;
  let fanOutTokens = new Map<string, string>();
  if (selected.has('fanout-lag')) {
    fanOut = await seedFanOut(db, data);
    fanOutTokens = await signInReaders(db, fanOut.authorIds);
  }
  let mailTargets: { id: string; token: string }[] = [];
  let sink: SmtpSink | undefined;
  if (selected.has('mail-burst')) {
    // Readers the first 1,000 never are: verified, so their replies' e-mails go out.
    const ids = data.readerIds.slice(1000, 1000 + MAIL_BURST_SIZE);
    await db.query(`UPDATE users SET email_verified_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
    const targetTokens = await signInReaders(db, ids);
    mailTargets = ids.map((id) => ({ id, token: targetTokens.get(id) as string }));
    sink = await new SmtpSink().start();
    const started = sink;
    resources.add(() => started.stop());
  }
  log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await db.destroy();

  const app = startApp(url, APP_PORT, sink ? { SMTP_URL: sink.url } : {});
  resources.add(() => stopChild(app));
  const baseline = fork(join(__dirname, 'baseline-server.ts'), [url, String(BASELINE_PORT)], { execArgv: ['-r', 'ts-node/register/transpile-only'] });
  resources.add(() => stopChild(baseline));
  await waitReady(`${appUrl}/health/ready`);
  await waitReady(`${baselineUrl}/articles/${data.hotArticleId}/comments`);
  log(`the baseline answers the app's read byte for byte (${await assertSameReadBytes(data)} bytes)`);

  const random = new SeededRandom(7);
  const allTokens = [...tokens.values()];
  let counter = 0;
  const context: Context = {
    data,
    tokens,
    random,
    uniqueBody: () => `Bench comment ${++counter} ${randomUUID()} about the budget and the buses.`,
    bearer: () => `Bearer ${random.pick(allTokens)}`,
  };

  const rows: Row[] = [];
  const baselineRates: { read?: number; post?: number } = {};
  let maxRss = 0;
  let baselineReadBytes = 0;
  const order = ['baseline-read', 'baseline-post', ...ALL_WORKLOADS.filter((name) => selected.has(name))];
  for (const name of order) {
    const sampler = setInterval(() => {
      if (app.pid) maxRss = Math.max(maxRss, rssOf(app.pid));
    }, 250);
    try {
      let row: Row;
      if (name === 'fanout-lag') {
        log(`fanout-lag: ${FAN_OUT_RATE} posts/s for ${FAN_OUT_SECONDS} s, then until the queue is empty`);
        row = await fanOutLag(context, url, fanOut as FanOutData, fanOutTokens);
      } else if (name === 'mail-burst') {
        log(`mail-burst: ${mailTargets.length} replies to as many verified readers, until every e-mail is received`);
        row = await mailBurst(context, sink as SmtpSink, mailTargets);
      } else if (name === 'live-fanout') {
        log(`live-fanout: ${LIVE_STREAMS} streams, ${LIVE_POST_RATE} posts/s for ${DURATION} s`);
        row = await liveFanOutRow(context);
      } else if (name === 'read-with-streams' || name === 'post-with-streams') {
        log(`${name}: ${LIVE_STREAMS} streams open, ${WARMUP} s warm-up, ${DURATION} s measured`);
        row = await withStreams(name, name === 'read-with-streams' ? 'read' : 'post-spread', context, rows);
      } else if (name === 'soak') {
        log(`soak: the mixed load for ${SOAK_SECONDS} s`);
        row = await soak(context, app);
      } else if (name === 'two-instances') {
        log(`two-instances: read and post, one instance vs two behind haproxy, ${WARMUP} s warm-up and ${DURATION} s each`);
        row = await twoInstances(context, url, resources, tempDir);
      } else if (name === 'read-expiry') {
        log(`read-expiry: ${WARMUP} s warm-up, ${DURATION} s measured`);
        await fire(appUrl, [{ method: 'GET', path: `/api/v1/articles/${data.hotArticleId}/comments` }], WARMUP);
        row = await readExpiry(context);
      } else {
        const load = loadOf(name, context);
        if (!load) throw new Error(`no load for ${name}`);
        log(`${name}: ${WARMUP} s warm-up, ${DURATION} s measured`);
        await fire(load.target, load.requests, WARMUP);
        if (PG_STATS) await printStatementStats(url, `${name} (warm-up)`);
        row = toRow(name, await fire(load.target, load.requests, DURATION));
        row.bytesPerResponse = await probeBodyBytes(load.target, load.requests[0]);
        if (name === 'baseline-read') baselineReadBytes = row.bytesPerResponse;
        // The two reads are compared only while they answer the same page.
        if (name === 'read' && row.bytesPerResponse !== baselineReadBytes) {
          row.detail = `page changed: ${row.bytesPerResponse} bytes, the baseline read ${baselineReadBytes}`;
        }
        if (PG_STATS) await printStatementStats(url, name);
      }
      if (name === 'baseline-read') baselineRates.read = row.reqPerSec;
      if (name === 'baseline-post') baselineRates.post = row.reqPerSec;
      rows.push(withRatio(row, baselineRates));
    } finally {
      clearInterval(sampler);
    }
  }
  printTable(rows, maxRss);
  const resultsDir = join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), duration: DURATION, connections: CONNECTIONS, maxRssMb: maxRss, rows }, null, 2));
  log(`written to ${file}`);
}

const resources = new Resources();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the app and the database, removing temp files…`);
    void resources.release().finally(() => process.exit(130));
  });
}
main(resources)
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => resources.release());
