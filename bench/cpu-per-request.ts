import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import * as argon2 from 'argon2';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../src/auth/access-token';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrate';
import { seed } from './seed';

/**
 * CPU time per request, which a shared machine does not blur the way it blurs req/s: the app's (and the bare
 * baseline's) user + system time from /proc/<pid>/stat over a fixed number of requests of the cached first page
 * (`read`) and the same page signed in (`read-signed-in`), several repetitions each, medians printed.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx ts-node --transpile-only bench/cpu-per-request.ts
 *
 * BENCH_CPU_DB=<url> reuses a database an earlier run seeded (it prints its URL and keeps it);
 * BENCH_CPU_APPS=dist,dist-before measures each build in turn (a directory holding src/main.js, relative to the
 * repository), BENCH_CPU_REQUESTS (20000) per repetition, BENCH_CPU_REPS (5), BENCH_CPU_CONNECTIONS (10),
 * BENCH_CPU_ONLY=read (or read-signed-in, replies, feed: comma-separated) picks the workloads, BENCH_CPU_PROFILE=<dir> runs the apps under --cpu-prof.
 *
 * BENCH_CPU_ONLY=post,post-hot measures posts instead (signed-in posts by 1,000 readers to random quiet articles, or
 * all into the hot one; the baseline's is its one INSERT): besides the app's CPU it reports the PostgreSQL backends'
 * (every backend connected to the bench database, from /proc/<pid>/stat: the server must run on this machine and
 * its /proc be readable), so the cost of a post on both sides of the socket is per request, whatever the neighbours do.
 */
const ROOT = join(__dirname, '..');
const APP_PORT = Number(process.env.BENCH_PORT_BASE ?? 3910);
const BASELINE_PORT = APP_PORT + 1;
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 20_000);
const REPS = Number(process.env.BENCH_CPU_REPS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CPU_CONNECTIONS ?? 10);
const TICKS_PER_SECOND = 100;
const POSTS = Number(process.env.BENCH_CPU_POSTS ?? 3_000);
const ONLY = new Set((process.env.BENCH_CPU_ONLY ?? 'read,read-signed-in').split(','));

function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat(5); after the ") " split they are 12 and 13 (1-based 3 is index 0).
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
}

async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not become ready`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

async function prepare(): Promise<{ url: string; hot: string; tokens: string[]; busiestRoot: string; feedToken: string; quiet: string[]; readerIds: string[] }> {
  let url = process.env.BENCH_CPU_DB;
  const fresh = !url;
  if (!url) {
    const server = process.env.DATABASE_URL;
    if (!server) throw new Error('DATABASE_URL (a server to create the bench database on) or BENCH_CPU_DB is required');
    const name = `margin_cpu_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const parsed = new URL(server);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
  }
  const db = new DataSource(dataSourceOptions(url, 4));
  await db.initialize();
  if (fresh) {
    await runMigrations(db);
    await seed(db, await argon2.hash('bench password', { type: argon2.argon2id }));
    process.stdout.write(`seeded ${url} (reuse with BENCH_CPU_DB=${url})\n`);
  }
  const [{ id: hot }] = (await db.query(`SELECT id FROM articles ORDER BY comment_count DESC OFFSET 1 LIMIT 1`)) as { id: string }[];
  const readers = (await db.query(`SELECT id FROM users WHERE role = 'reader' ORDER BY id LIMIT 1000`)) as { id: string }[];
  // `replies` and `feed` as npm run bench reads them: the busiest top-level comment of the hot article, the reader following most.
  const [{ id: busiestRoot }] = (await db.query(
    `SELECT id FROM comments WHERE article_id = $1 AND parent_id IS NULL ORDER BY reply_count DESC, id DESC LIMIT 1`,
    [hot],
  )) as { id: string }[];
  const [{ follower_id: feedReader }] = (await db.query(
    `SELECT follower_id FROM follows GROUP BY follower_id ORDER BY count(*) DESC, follower_id LIMIT 1`,
  )) as { follower_id: string }[];
  const quiet = ((await db.query(`SELECT id FROM articles ORDER BY comment_count DESC OFFSET 2`)) as { id: string }[]).map((row) => row.id);
  const jwt = new JwtService({ secret: JWT_SECRET });
  const tokens: string[] = [];
  for (const { id } of readers) {
    const sid = randomUUID();
    await db.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [sid, id]);
    tokens.push(jwt.sign({ sub: id, role: 'reader', sid }, { expiresIn: 7200, issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE }));
  }
  const feedSession = randomUUID();
  await db.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [feedSession, feedReader]);
  const feedToken = jwt.sign({ sub: feedReader, role: 'reader', sid: feedSession }, { expiresIn: 7200, issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE });
  await db.destroy();
  return { url, hot, tokens, busiestRoot, feedToken, quiet, readerIds: readers.map((row) => row.id) };
}

function startApp(dist: string, databaseUrl: string): ChildProcess {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const flags = start.replace(/^node\s+/, '').replace(/\s*dist\/src\/main\.js.*$/, '').split(' ').filter(Boolean);
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROFILE)}`] : [];
  return spawn(process.execPath, [...flags, ...profile, join(dist, 'src/main.js')], {
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
      METRICS_TOKEN: 'bench-metrics-token-0123456789',
      // Production refuses to start without SMTP_URL; nothing here sends e-mail.
      MAIL_DISABLED: 'true',
    },
  });
}

async function perRequest(pid: number, url: string, requests: autocannon.Request[]): Promise<number[]> {
  await autocannon({ url, connections: CONNECTIONS, amount: Math.ceil(REQUESTS / 4), requests });
  const samples: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const before = cpuMicros(pid);
    const result = await autocannon({ url, connections: CONNECTIONS, amount: REQUESTS, requests });
    const count = result.requests.total;
    if (result.non2xx + result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    samples.push((cpuMicros(pid) - before) / count);
  }
  return samples;
}

/** The CPU of every PostgreSQL backend connected to the database of `url` (the app's pool, its job loops). */
async function backendPids(url: string): Promise<number[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

function backendsMicros(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuMicros(pid);
    } catch {
      // ended since
    }
  }
  return total;
}

/** Like perRequest, for posts: the process's CPU and the database backends' per request. */
async function perPost(pid: number, url: string, databaseUrl: string, requests: autocannon.Request[]): Promise<{ app: number[]; db: number[] }> {
  await autocannon({ url, connections: CONNECTIONS, amount: Math.ceil(POSTS / 4), requests });
  const app: number[] = [];
  const db: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const pids = await backendPids(databaseUrl);
    const before = cpuMicros(pid);
    const dbBefore = backendsMicros(pids);
    const result = await autocannon({ url, connections: CONNECTIONS, amount: POSTS, requests });
    const count = result.requests.total;
    if (result.non2xx + result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    app.push((cpuMicros(pid) - before) / count);
    db.push((backendsMicros(pids) - dbBefore) / count);
  }
  return { app, db };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const show = (values: number[]) => `median ${median(values).toFixed(1)} µs  [${values.map((value) => value.toFixed(1)).join(', ')}]`;

async function main(): Promise<void> {
  const { url, hot, tokens, busiestRoot, feedToken, quiet, readerIds } = await prepare();
  const baseline = fork(join(__dirname, 'baseline-server.ts'), [url, String(BASELINE_PORT)], { execArgv: ['-r', 'ts-node/register/transpile-only'] });
  let serial = 0;
  const uniqueBody = () => `Bench post ${Date.now().toString(36)}-${(serial++).toString(36)}: a thought on the article, long enough to look like one.`;
  const pick = <T>(values: T[]): T => values[Math.floor(Math.random() * values.length)];
  const posting = ONLY.has('post') || ONLY.has('post-hot');
  try {
    await waitReady(`http://127.0.0.1:${BASELINE_PORT}/articles/${hot}/comments`);
    const baseRead = posting ? [1] : await perRequest(baseline.pid as number, `http://127.0.0.1:${BASELINE_PORT}`, [{ method: 'GET', path: `/articles/${hot}/comments` }]);
    if (!posting) process.stdout.write(`baseline-read   ${show(baseRead)}\n`);
    let basePost = { app: [1], db: [1] };
    if (posting) {
      basePost = await perPost(baseline.pid as number, `http://127.0.0.1:${BASELINE_PORT}`, url, [{
        method: 'POST',
        path: '/',
        setupRequest: (request) => ({
          ...request,
          path: `/articles/${pick(quiet)}/comments`,
          headers: { 'content-type': 'application/json', 'x-author-id': pick(readerIds) },
          body: JSON.stringify({ body: uniqueBody() }),
        }),
      }]);
      process.stdout.write(`baseline-post   app ${show(basePost.app)}\n                db  ${show(basePost.db)}\n`);
    }
    for (const dist of (process.env.BENCH_CPU_APPS ?? 'dist').split(',')) {
      const app = startApp(dist, url);
      try {
        await waitReady(`http://127.0.0.1:${APP_PORT}/health/ready`);
        const path = `/api/v1/articles/${hot}/comments`;
        const base = median(baseRead);
        if (ONLY.has('read')) {
          const read = await perRequest(app.pid as number, `http://127.0.0.1:${APP_PORT}`, [{ method: 'GET', path }]);
          process.stdout.write(`${dist} read            ${show(read)}  ratio to baseline ${(median(read) / base).toFixed(2)}\n`);
        }
        if (ONLY.has('read-signed-in')) {
          let next = 0;
          const signedIn = await perRequest(app.pid as number, `http://127.0.0.1:${APP_PORT}`, [
            { method: 'GET', path, setupRequest: (request) => ({ ...request, headers: { authorization: `Bearer ${tokens[next++ % tokens.length]}` } }) },
          ]);
          process.stdout.write(`${dist} read-signed-in  ${show(signedIn)}  ratio to baseline ${(median(signedIn) / base).toFixed(2)}\n`);
        }
        if (ONLY.has('replies')) {
          const replies = await perRequest(app.pid as number, `http://127.0.0.1:${APP_PORT}`, [{ method: 'GET', path: `/api/v1/comments/${busiestRoot}/replies` }]);
          process.stdout.write(`${dist} replies         ${show(replies)}  ratio to baseline ${(median(replies) / base).toFixed(2)}\n`);
        }
        if (ONLY.has('feed')) {
          const feed = await perRequest(app.pid as number, `http://127.0.0.1:${APP_PORT}`, [{ method: 'GET', path: '/api/v1/me/feed', headers: { authorization: `Bearer ${feedToken}` } }]);
          process.stdout.write(`${dist} feed            ${show(feed)}  ratio to baseline ${(median(feed) / base).toFixed(2)}\n`);
        }
        for (const name of ['post', 'post-hot'].filter((each) => ONLY.has(each))) {
          let next = 0;
          const cost = await perPost(app.pid as number, `http://127.0.0.1:${APP_PORT}`, url, [{
            method: 'POST',
            path: '/',
            setupRequest: (request) => ({
              ...request,
              method: 'POST',
              path: `/api/v1/articles/${name === 'post-hot' ? hot : pick(quiet)}/comments`,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[next++ % tokens.length]}` },
              body: JSON.stringify({ body: uniqueBody() }),
            }),
          }]);
          const total = cost.app.map((value, index) => value + cost.db[index]);
          const baseTotal = median(basePost.app) + median(basePost.db);
          process.stdout.write(
            `${dist} ${name.padEnd(9)} app ${show(cost.app)}  ratio to baseline ${(median(cost.app) / median(basePost.app)).toFixed(2)}\n` +
              `${' '.repeat(dist.length + 10)} db  ${show(cost.db)}  ratio to baseline ${(median(cost.db) / median(basePost.db)).toFixed(2)}\n` +
              `${' '.repeat(dist.length + 10)} sum ${show(total)}  ratio to baseline ${(median(total) / baseTotal).toFixed(2)}\n`,
          );
        }
      } finally {
        await stop(app);
      }
    }
  } finally {
    await stop(baseline);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
