import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDotEnv, withDotEnv } from './dotenv';

describe('.env loading', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'margin-dotenv-'));
    file = join(dir, '.env');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads NAME=value lines, quoted values, export prefixes and comments', () => {
    writeFileSync(file, '# Margin\nPORT=8080\n\nPUBLIC_SITE_URL="https://news.example"\nexport LOG_LEVEL=warn\nCORS_ORIGINS=\n');
    expect(readDotEnv(file)).toEqual({
      values: { PORT: '8080', PUBLIC_SITE_URL: 'https://news.example', LOG_LEVEL: 'warn', CORS_ORIGINS: '' },
      problems: [],
    });
  });

  it('lets the real environment win, even when it sets a variable to empty', () => {
    writeFileSync(file, 'PORT=8080\nHOST=0.0.0.0\nTRUST_PROXY=true\n');
    const { env } = withDotEnv({ PORT: '9090', TRUST_PROXY: '' }, file);
    expect(env).toEqual({ PORT: '9090', HOST: '0.0.0.0', TRUST_PROXY: '' });
  });

  it('is no values and no problem when the file is missing', () => {
    expect(withDotEnv({ PORT: '1' }, join(dir, 'missing.env'))).toEqual({ env: { PORT: '1' }, problems: [] });
  });

  it('reports a line that is not an assignment by number, without its text, and keeps the rest', () => {
    writeFileSync(file, 'PORT=8080\nJWT_SECRET is s3cret-value\nHOST=0.0.0.0\n');
    const { values, problems } = readDotEnv(file);
    expect(values).toEqual({ PORT: '8080', HOST: '0.0.0.0' });
    expect(problems).toEqual([`${file} line 2 ignored: not NAME=value`]);
    expect(problems.join()).not.toContain('s3cret');
  });
});
