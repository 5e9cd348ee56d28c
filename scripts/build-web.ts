/**
 * Builds the front ends (`web/`) into dist/web, which the app serves (src/web/front-ends.ts):
 *   embed/margin.js, embed/count.js, embed/frame.{html,js}, embed/demo.{html,js}
 *   console/index.html, console/assets/console-<hash>.{js,css}
 *
 * `npm run build` first regenerates the typed client from the committed openapi.json and
 * type-checks web/ against it, so an API change that breaks a front end fails the build.
 * The browser tests call `buildWeb` with a directory of their own (no type-check, no generation).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..');
const WEB = join(ROOT, 'web');
export const DEFAULT_OUT = join(ROOT, 'dist', 'web');

const common = {
  bundle: true,
  minify: true,
  format: 'esm' as const,
  target: 'es2020',
  jsx: 'automatic' as const,
  jsxImportSource: 'preact',
  legalComments: 'none' as const,
  logLevel: 'warning' as const,
};

export async function buildWeb(outDir: string = DEFAULT_OUT): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'embed'), { recursive: true });
  mkdirSync(join(outDir, 'console', 'assets'), { recursive: true });
  await build({
    ...common,
    entryPoints: ['margin.tsx', 'count.ts', 'frame.ts', 'demo.ts'].map((name) => join(WEB, 'src', 'embed', name)),
    outdir: join(outDir, 'embed'),
  });
  const consoleBuild = await build({
    ...common,
    entryPoints: { console: join(WEB, 'src', 'console', 'main.tsx') },
    entryNames: '[name]-[hash]',
    outdir: join(outDir, 'console', 'assets'),
    metafile: true,
  });
  const outputs = Object.keys(consoleBuild.metafile.outputs).map((path) => basename(path));
  const script = outputs.find((name) => name.endsWith('.js'));
  const stylesheet = outputs.find((name) => name.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`console build lacks its script or stylesheet: ${outputs.join(', ')}`);
  const index = readFileSync(join(WEB, 'pages', 'console.html'), 'utf8').replace('__CONSOLE_JS__', script).replace('__CONSOLE_CSS__', stylesheet);
  writeFileSync(join(outDir, 'console', 'index.html'), index);
  for (const page of ['frame', 'demo']) copyFileSync(join(WEB, 'pages', `${page}.html`), join(outDir, 'embed', `${page}.html`));
}

function run(command: string, args: string[]): void {
  execFileSync(join(ROOT, 'node_modules', '.bin', command), args, { cwd: ROOT, stdio: 'inherit' });
}

/** The typed client, generated from the committed document; the front ends compile against it. */
export const CLIENT_ARGUMENTS = ['openapi.json', '--default-non-nullable', 'false', '-o', 'web/src/api/margin-api.d.ts'];

export function generateClient(): void {
  run('openapi-typescript', CLIENT_ARGUMENTS);
}

const STAMP = join(DEFAULT_OUT, '.built');

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** `npm start` builds every time: skip the front ends when nothing they are made of changed since the last build. */
function upToDate(): boolean {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return [WEB, join(ROOT, 'openapi.json'), __filename, join(ROOT, 'package-lock.json')].every((path) => newestChange(path) <= built);
}

if (require.main === module) {
  const started = Date.now();
  if (upToDate()) {
    process.stdout.write('web: dist/web is up to date\n');
    process.exit(0);
  }
  try {
    generateClient();
    run('tsc', ['--noEmit', '-p', 'web/tsconfig.json']);
  } catch {
    process.stderr.write('web: the front ends do not compile against openapi.json\n');
    process.exit(1);
  }
  buildWeb().then(
    () => {
      writeFileSync(STAMP, new Date().toISOString());
      process.stdout.write(`web: built into dist/web in ${Date.now() - started} ms\n`);
    },
    (error: unknown) => {
      process.stderr.write(`web: build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
