import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, freePort, killAppProcess, makeTempDir, removeDir, ROOT, startAppProcess, AppProcess } from '../support/app-process';

describe('lifecycle: start-up', () => {
  let root: string;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    root = makeTempDir('margin-lifecycle-startup-');
  }, 120_000);

  afterEach(async () => {
    await killAppProcess(app);
    app = undefined;
  });

  afterAll(() => removeDir(root));

  it('gives up on an unreachable DATABASE_URL after a bounded retry, with one line naming its host and port but not the password', async () => {
    const closedPort = await freePort();
    const startedAt = Date.now();
    app = await startAppProcess(join(root, 'data'), {
      DATABASE_URL: `postgres://margin:hunter2-do-not-print@127.0.0.1:${closedPort}/margin`,
      LOG_LEVEL: 'silent',
    });
    const { code } = await app.exited;

    expect(code).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(20_000);
    const errorLines = app.output().trim().split('\n').filter((line) => !/retrying/.test(line));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(new RegExp(`DATABASE_URL .*127\\.0\\.0\\.1:${closedPort}.*connection refused`));
    expect(app.output()).not.toMatch(/hunter2/);
    expect(app.output()).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('does not compile again when nothing changed', () => {
    const builtMain = join(ROOT, 'dist', 'src', 'main.js');
    const before = statSync(builtMain).mtimeMs;
    const startedAt = Date.now();

    const build = spawnSync('npm', ['run', '--silent', 'prestart'], { cwd: ROOT, encoding: 'utf8' });

    expect(build.status).toBe(0);
    expect(statSync(builtMain).mtimeMs).toBe(before);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  }, 30_000);
});
