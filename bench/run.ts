import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { SeededRandom } from './random';
import { seed, SeededData } from './seed';

const ROOT = join(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const APP_PORT = 3900;
const BASELINE_PORT = 3901;
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
/** BENCH_PG_STATS=1 prints each workload's costliest statements (pg_stat_statements; embedded database only). */
const PG_STATS = process.env.BENCH_PG_STATS === '1';

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

interface Workload {
  name: string;
  target: 'app' | 'baseline';
  baselineOf?: 'read' | 'post';
  requests: Request[];
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
}

const log = (message: string) => process.stderr.write(`${message}\n`);

async function prepareDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `margin_bench_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      cleanup: async () => {
        const client = new Client({ connectionString: server });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'margin-bench-'));
  const embedded = await startEmbeddedPostgres({
    dataDir: join(dir, 'postgres'),
    database: 'margin_bench',
    log,
    settings: {
      shared_buffers: '256MB',
      max_connections: '100',
      ...(PG_STATS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {}),
    },
  });
  return { url: embedded.url, cleanup: async () => { await embedded.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

async function signInReaders(db: DataSource, readerIds: string[]): Promise<Map<string, string>> {
  const jwt = new JwtService({ secret: JWT_SECRET });
  const tokens = new Map<string, string>();
  for (const userId of readerIds) {
    const sessionId = randomUUID();
    await db.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [sessionId, userId]);
    tokens.set(userId, jwt.sign({ sub: userId, role: 'reader', sid: sessionId }, { expiresIn: 3600, issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE }));
  }
  return tokens;
}

/** The node flags `npm start` uses (package.json), so the bench measures the app as it is run. */
function productionNodeFlags(): string {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.replace(/^node\s+/, '').replace(/\s*dist\/src\/main\.js.*$/, '');
}

function startApp(databaseUrl: string): ChildProcess {
  if (!existsSync(join(ROOT, 'dist/src/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const nodeFlags = (process.env.BENCH_APP_NODE_FLAGS ?? productionNodeFlags()).split(' ').filter(Boolean);
  return spawn(process.execPath, [...nodeFlags, ...profile, 'dist/src/main.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(APP_PORT),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      JWT_SECRET,
      RATE_LIMIT_MAX: '100000000',
      COMMENT_RATE_LIMIT_MAX: '100000000',
      AUTH_RATE_LIMIT_MAX: '100000000',
    },
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

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function fire(url: string, requests: Request[], duration: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration, requests, timeout: 10 });
}

function workloads(data: SeededData, tokens: Map<string, string>): Workload[] {
  const random = new SeededRandom(7);
  const allTokens = [...tokens.values()];
  const bearer = () => `Bearer ${random.pick(allTokens)}`;
  let counter = 0;
  const uniqueBody = () => `Bench comment ${++counter} ${randomUUID()} about the budget and the buses.`;
  const hotPage = `/api/v1/articles/${data.hotArticleId}/comments`;
  const asPost = (request: Request): Request => ({
    ...request,
    method: 'POST',
    path: `/api/v1/articles/${random.pick(data.articleIds)}/comments`,
    headers: { 'content-type': 'application/json', authorization: bearer() },
    body: JSON.stringify({ body: uniqueBody() }),
  });
  const post = (): Request => ({ method: 'POST', path: '/', setupRequest: asPost });
  const signedInRead = (path: string): Request => ({
    method: 'GET',
    path,
    setupRequest: (request) => ({ ...request, headers: { authorization: bearer() } }),
  });
  const mixed: Request = {
    method: 'GET',
    path: hotPage,
    setupRequest: (request) => {
      const roll = random.next();
      if (roll < 0.9) return { ...request, method: 'GET', path: `/api/v1/articles/${random.pick(data.articleIds.slice(0, 50))}/comments`, headers: {} };
      if (roll < 0.98) return asPost(request);
      return { ...request, method: 'PUT', path: `/api/v1/comments/${data.busiestRootId}/reaction`, headers: { authorization: bearer() } };
    },
  };
  const authorIds = data.readerIds;
  return [
    { name: 'baseline-read', target: 'baseline', baselineOf: 'read', requests: [{ method: 'GET', path: `/articles/${data.hotArticleId}/comments` }] },
    {
      name: 'baseline-post',
      target: 'baseline',
      baselineOf: 'post',
      requests: [{
        method: 'POST',
        path: '/',
        setupRequest: (request) => ({
          ...request,
          path: `/articles/${random.pick(data.articleIds)}/comments`,
          headers: { 'content-type': 'application/json', 'x-author-id': random.pick(authorIds) },
          body: JSON.stringify({ body: uniqueBody() }),
        }),
      }],
    },
    { name: 'read', target: 'app', requests: [{ method: 'GET', path: hotPage }] },
    { name: 'read-signed-in', target: 'app', requests: [signedInRead(hotPage)] },
    { name: 'read-50k', target: 'app', requests: [{ method: 'GET', path: `/api/v1/articles/${data.bigArticleId}/comments` }] },
    { name: 'replies', target: 'app', requests: [{ method: 'GET', path: `/api/v1/comments/${data.busiestRootId}/replies` }] },
    { name: 'post', target: 'app', requests: [post()] },
    {
      name: 'feed',
      target: 'app',
      requests: [{ method: 'GET', path: '/api/v1/me/feed', headers: { authorization: `Bearer ${tokens.get(data.feedReaderId)}` } }],
    },
    { name: 'mixed', target: 'app', requests: [mixed] },
  ];
}

function ratioFor(name: string, reqPerSec: number, baseline: { read?: number; post?: number }): { ratio: number | null; ratioTo: string | null } {
  if (name.startsWith('baseline')) return { ratio: null, ratioTo: null };
  const against = name === 'post' ? 'post' : 'read';
  const value = baseline[against];
  return value ? { ratio: reqPerSec / value, ratioTo: `baseline-${against}` } : { ratio: null, ratioTo: null };
}

function printTable(rows: Row[], maxRssMb: number) {
  const header = ['workload', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'bytes/resp', 'ratio'];
  const lines = rows.map((row) => [
    row.workload,
    row.reqPerSec.toFixed(0),
    row.p50.toFixed(1),
    row.p99.toFixed(1),
    String(row.errors),
    row.bytesPerResponse.toFixed(0),
    row.ratio === null ? '—' : `${row.ratio.toFixed(2)}× ${row.ratioTo}`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  process.stdout.write(`${format(header)}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|\n`);
  for (const line of lines) process.stdout.write(`${format(line)}\n`);
  process.stdout.write(`\nmax RSS of the app under load: ${maxRssMb.toFixed(0)} MB\n`);
}

async function main() {
  const { url, cleanup } = await prepareDatabase();
  let app: ChildProcess | undefined;
  let baseline: ChildProcess | undefined;
  try {
    const db = new DataSource(dataSourceOptions(url, 4));
    await db.initialize();
    await runMigrations(db);
    if (PG_STATS) await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    log('seeding…');
    const started = Date.now();
    const data = await seed(db, await argon2.hash('bench password', { type: argon2.argon2id }));
    const tokens = await signInReaders(db, data.readerIds.slice(0, 1000));
    log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await db.destroy();

    app = startApp(url);
    baseline = fork(join(__dirname, 'baseline-server.ts'), [url, String(BASELINE_PORT)], { execArgv: ['-r', 'ts-node/register/transpile-only'] });
    await waitReady(`http://127.0.0.1:${APP_PORT}/health/ready`);
    await waitReady(`http://127.0.0.1:${BASELINE_PORT}/articles/${data.hotArticleId}/comments`);

    const rows: Row[] = [];
    const baselineRates: { read?: number; post?: number } = {};
    let maxRss = 0;
    const only = process.env.BENCH_ONLY?.split(',');
    const selected = workloads(data, tokens).filter((workload) => !only || only.includes(workload.name) || workload.target === 'baseline');
    for (const workload of selected) {
      const base = workload.target === 'app' ? `http://127.0.0.1:${APP_PORT}` : `http://127.0.0.1:${BASELINE_PORT}`;
      log(`${workload.name}: ${WARMUP} s warm-up, ${DURATION} s measured`);
      await fire(base, workload.requests, WARMUP);
      const sampler = setInterval(() => {
        if (app?.pid && workload.target === 'app') maxRss = Math.max(maxRss, rssOf(app.pid));
      }, 250);
      if (PG_STATS) await printStatementStats(url, `${workload.name} (warm-up)`);
      const result = await fire(base, workload.requests, DURATION);
      clearInterval(sampler);
      if (PG_STATS) await printStatementStats(url, workload.name);
      const reqPerSec = result.requests.average;
      if (workload.baselineOf) baselineRates[workload.baselineOf] = reqPerSec;
      rows.push({
        workload: workload.name,
        reqPerSec,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts + result.non2xx,
        bytesPerResponse: result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
        ...ratioFor(workload.name, reqPerSec, baselineRates),
      });
    }
    printTable(rows, maxRss);
    const resultsDir = join(__dirname, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), duration: DURATION, connections: CONNECTIONS, maxRssMb: maxRss, rows }, null, 2));
    log(`written to ${file}`);
  } finally {
    app?.kill('SIGTERM');
    baseline?.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (process.env.BENCH_KEEP === '1') log(`kept the bench database: ${url.replace(/:[^:@]*@/, ':***@')}`);
    else await cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
