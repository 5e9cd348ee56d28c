/**
 * What the automated moderation rules cost (issue 17 item 4), on this machine:
 * 1. the word matchers with 10,000 banned and 10,000 suspect words: compile time, and the check of one comment;
 * 2. the external moderation hook against a classifier on loopback that answers at once: the client's round trip;
 * 3. the time the hook adds to a post, end to end: POST /comments through the whole app, without and with the hook.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx ts-node --transpile-only bench/moderation-rules.ts
 *
 * Part 3 creates a database of its own on that server and drops it afterwards; without DATABASE_URL it is skipped.
 */
import 'reflect-metadata';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrate';
import { BannedWordsMatcher, foldText } from '../src/moderation/banned-words.matcher';
import { ExternalModerationClient } from '../src/moderation/external-moderation.client';

const out = (line: string) => process.stdout.write(`${line}\n`);

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(label: string, samplesMs: number[]): void {
  out(`${label.padEnd(58)} p50 ${percentile(samplesMs, 50).toFixed(3)} ms   p99 ${percentile(samplesMs, 99).toFixed(3)} ms   (${samplesMs.length} runs)`);
}

function timed(work: () => void): number {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timedAsync(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function wordList(prefix: string, size: number): string[] {
  return Array.from({ length: size }, (_, index) =>
    index % 10 === 0 ? `${prefix} phrase ${index}` : index % 10 === 5 ? `${prefix}*${index}` : `${prefix}${index}word`,
  );
}

function matchers(): void {
  out('— word matchers: 10,000 banned + 10,000 suspect words (10 % phrases, 10 % punctuated) —');
  let banned = BannedWordsMatcher.compile([]);
  let suspect = banned;
  const compileMs = timed(() => {
    banned = BannedWordsMatcher.compile(wordList('banned', 10_000));
    suspect = BannedWordsMatcher.compile(wordList('suspect', 10_000));
  });
  out(`compile both lists (once per settings version)               ${compileMs.toFixed(1)} ms`);
  const sentence = 'Ein ganz normaler Satz über Politik, économie et общество, and a word or two more. ';
  for (const [label, text] of [
    ['500-character comment', sentence.repeat(6)],
    ['5,000-character comment (the longest allowed)', sentence.repeat(60)],
  ] as const) {
    const samples: number[] = [];
    for (let run = 0; run < 3000; run += 1) {
      samples.push(
        timed(() => {
          const folded = foldText(text);
          if (banned.findInFolded(folded) !== null || suspect.findInFolded(folded) !== null) throw new Error('a clean text matched');
        }),
      );
    }
    summary(`check of a ${label}, both lists`, samples.slice(500));
  }
}

async function classifier(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"decision":"visible"}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/moderate`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function hookRoundTrip(url: string): Promise<void> {
  out('— external moderation client, classifier on loopback answering at once —');
  const client = new ExternalModerationClient();
  const config = { url, secret: 'whsec_bench_0123456789', timeoutMs: 800 };
  const request = {
    comment: { body: 'A considered opinion about the budget. '.repeat(10), parentId: null },
    author: { id: '00000000-0000-4000-8000-000000000000', displayName: 'Reader', createdAt: new Date().toISOString() },
    article: { id: 'budget', url: 'https://news.example/budget' },
  };
  const review = async () => {
    if ((await client.review(config, request))?.decision !== 'visible') throw new Error('the classifier gave no decision');
  };
  const sequential: number[] = [];
  for (let run = 0; run < 2200; run += 1) sequential.push(await timedAsync(review));
  summary('round trip, one at a time (keep-alive)', sequential.slice(200));
  const concurrent: number[] = [];
  for (let round = 0; round < 60; round += 1) {
    concurrent.push(...(await Promise.all(Array.from({ length: 32 }, () => timedAsync(review)))));
  }
  summary('round trip, 32 at once', concurrent.slice(320));
  client.onApplicationShutdown();
}

async function postingWithAndWithoutHook(url: string): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    out('— posting end to end: skipped (set DATABASE_URL) —');
    return;
  }
  out('— POST /articles/:id/comments through the whole app (sequential, one reader per 40 posts) —');
  const name = `margin_bench_rules_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url2 = new URL(serverUrl);
  url2.pathname = `/${name}`;
  const migrator = new DataSource(dataSourceOptions(url2.toString(), 2));
  await migrator.initialize();
  await runMigrations(migrator);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url2.toString(),
    JWT_SECRET: 'bench-secret-for-moderation-rules-0123456789',
    RATE_LIMIT_MAX: '1000000',
    AUTH_RATE_LIMIT_MAX: '1000000',
    COMMENT_RATE_LIMIT_MAX: '1000000',
    CMS_API_KEY: 'bench-cms-api-key-0123456789',
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const call = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base.replace('[::1]', '127.0.0.1')}/api/v1${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text || '{}');
  };
  try {
    await call('PUT', '/articles/bench-article', { title: 'Bench', url: 'https://news.example/bench' }, { 'X-Api-Key': 'bench-cms-api-key-0123456789' });
    const staff = await call('POST', '/auth/register', { email: 'admin@bench.test', password: 'correct horse battery', displayName: 'Bench admin' });
    await migrator.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [staff.user.id]);
    const adminAuth = { Authorization: `Bearer ${staff.accessToken}` };
    const run = async (label: string) => {
      const samples: number[] = [];
      for (let reader = 0; reader < 15; reader += 1) {
        const account = await call('POST', '/auth/register', { email: `r${label}${reader}@bench.test`, password: 'correct horse battery', displayName: `R ${label} ${reader}` });
        const auth = { Authorization: `Bearer ${account.accessToken}` };
        for (let post = 0; post < 40; post += 1) {
          samples.push(await timedAsync(() => call('POST', '/articles/bench-article/comments', { body: `Post ${label} ${reader} ${post}` }, auth)));
        }
      }
      return samples.slice(50);
    };
    const settings = { bannedWords: [], premoderateNewReaders: false };
    await call('PUT', '/admin/settings/moderation', { ...settings, externalModeration: null }, adminAuth);
    await run('warm');
    const without = await run('without');
    await call('PUT', '/admin/settings/moderation', { ...settings, externalModeration: { url, secret: 'whsec_bench_0123456789' } }, adminAuth);
    const withHook = await run('with');
    summary('post without the hook', without);
    summary('post with the hook (classifier answering at once)', withHook);
    out(
      `the hook adds                                              p50 ${(percentile(withHook, 50) - percentile(without, 50)).toFixed(2)} ms   ` +
        `p99 ${(percentile(withHook, 99) - percentile(without, 99)).toFixed(2)} ms`,
    );
  } finally {
    await app.close();
    await migrator.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  matchers();
  const server = await classifier();
  try {
    await hookRoundTrip(server.url);
    await postingWithAndWithoutHook(server.url);
  } finally {
    await server.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
