/**
 * npm run web:budget: the size budgets of the front ends, gzipped, on the output of `npm run build`.
 * margin.js must be ≤ 40 kB with everything it loads (it is one bundle: any import left in it fails
 * this check, since a chunk it loads would escape the count); count.js ≤ 2 kB.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

// `npm run web:budget [-- <built web directory>]`; default dist/web.
const OUT = join(process.argv[2] ? resolve(process.argv[2]) : resolve(__dirname, '..', 'dist', 'web'), 'embed');
const BUDGETS: Array<[file: string, limitBytes: number]> = [
  ['margin.js', 40 * 1024],
  ['count.js', 2 * 1024],
];

let failed = false;
for (const [file, limit] of BUDGETS) {
  const path = join(OUT, file);
  if (!existsSync(path)) {
    process.stderr.write(`web:budget: ${path} is missing; run npm run build first\n`);
    process.exit(1);
  }
  const source = readFileSync(path);
  const gzipped = gzipSync(source, { level: 9 }).length;
  const loadsMore = /\bimport\s*\(|\bimport\s*["'{*]|\bfrom\s*["']/.test(source.toString('utf8'));
  const ok = gzipped <= limit && !loadsMore;
  if (!ok) failed = true;
  process.stdout.write(
    `${ok ? 'ok  ' : 'FAIL'} ${file}: ${(gzipped / 1024).toFixed(1)} kB gzipped (budget ${limit / 1024} kB; ${(source.length / 1024).toFixed(1)} kB raw)${loadsMore ? ' — loads other modules' : ''}\n`,
  );
}
process.exit(failed ? 1 : 0);
