/**
 * Mutation testing of the files that hold the contract's rules (`npm run test:mutation`).
 *
 * Stryker's per-test coverage cannot narrow e2e runs by itself: the throttler, the
 * guards and the pagination helpers sit on every request path, so every e2e test
 * "covers" them and each mutant would re-run the whole suite. So each group of rule
 * files below names the few spec and e2e files meant to cover it; Stryker runs once
 * per group with jest limited to those files (JEST_TEST_FILES, read by jest.config.js),
 * incrementally (reports/mutation/<group>.incremental.json), one group at a time.
 *
 *   npm run test:mutation                     every group
 *   npm run test:mutation -- sorts-cursors    the named groups
 *   npm run test:mutation -- --changed [ref]  the groups whose rule or test files differ from ref (default main)
 *   npm run test:mutation -- --list           the table, without running anything
 *   npm run test:mutation -- --force erasure  every mutant again, ignoring (and rewriting) the incremental file
 *
 * --force matters for static mutants (module-level constants, hooks registered at start-up): an incremental run
 * keeps their earlier result while their code is unchanged, even when tests added since would kill them.
 *
 * MUTATION_CONCURRENCY (default 1) sets Stryker's test runners, MUTATION_NICE (default 19) its priority; e2e groups need
 * DATABASE_URL (the jest global set-up makes a fresh database from it per jest run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

interface Group {
  name: string;
  /** The rule files whose mutants must be killed (`file#method` for the lines of one method or function). */
  mutate: string[];
  /** The unit specs and e2e specs that assert those rules. */
  tests: string[];
}

const GROUPS: Group[] = [
  {
    name: 'sorts-cursors',
    mutate: ['src/comments/comment-sorts.ts', 'src/common/pagination/cursor.ts', 'src/common/pagination/page-query.dto.ts', 'src/common/pagination/timestamp-cursor.ts'],
    tests: ['src/comments/comment-sorts.spec.ts', 'src/common/pagination/cursor.spec.ts', 'test/e2e/comments-pagination.e2e-spec.ts', 'test/e2e/rules-pagination.e2e-spec.ts'],
  },
  {
    name: 'comment-access',
    mutate: ['src/comments/comment-access.ts'],
    tests: ['src/comments/comment-access.spec.ts', 'src/comments/comment-access-rules.spec.ts', 'test/e2e/rules-visibility.e2e-spec.ts'],
  },
  {
    name: 'appeal-rules',
    mutate: ['src/donations/appeal-rules.ts', 'src/donations/donation-terms.ts'],
    tests: ['src/donations/appeal-rules.spec.ts', 'src/donations/appeal-rules-contract.spec.ts', 'src/donations/checkout-session-params.spec.ts'],
  },
  {
    name: 'supporter-membership',
    mutate: ['src/donations/supporter-membership.service.ts'],
    tests: ['test/e2e/rules-supporter.e2e-spec.ts', 'test/e2e/donations-webhooks.e2e-spec.ts'],
  },
  {
    name: 'rate-limits',
    mutate: ['src/common/rate-limit/memory-throttler.storage.ts'],
    tests: ['src/common/rate-limit/memory-throttler.storage.spec.ts', 'src/common/rate-limit/memory-throttler-windows.spec.ts'],
  },
  {
    name: 'access-guard',
    mutate: ['src/common/auth/access.guard.ts', 'src/common/auth/role.ts', 'src/common/auth/authentication-rules.ts'],
    tests: [
      'src/common/auth/access.guard.spec.ts',
      'src/common/auth/access-guard-contract.spec.ts',
      'src/common/auth/jwt-auth.guard.spec.ts',
      'src/common/auth/authentication-rules.spec.ts',
    ],
  },
  {
    name: 'sanctions',
    mutate: ['src/moderation/sanction-rules.ts'],
    tests: ['src/moderation/sanction-rules.spec.ts'],
  },
  {
    name: 'moderation-rules',
    mutate: ['src/moderation/initial-status-rules.ts', 'src/moderation/moderation-transitions.ts'],
    tests: ['src/moderation/initial-status-rules.spec.ts', 'src/moderation/moderation-transitions.spec.ts'],
  },
  {
    // Its own group: most of its run is mutants that loop forever in the phrase automaton and end at the timeout,
    // which with the moderation rules made one group of ~30 minutes.
    name: 'banned-words',
    mutate: ['src/moderation/banned-words.matcher.ts'],
    tests: ['src/moderation/banned-words.matcher.spec.ts', 'src/moderation/word-lists-at-scale.spec.ts'],
  },
  {
    name: 'webhook-state-machine',
    mutate: ['src/donations/stripe-event-rules.ts'],
    tests: ['src/donations/stripe-event-rules.spec.ts'],
  },
  {
    // Erasure is orchestration (locks in one order, every module's eraser, then the identity) with no decision of
    // its own to extract, so its methods are mutated in place (`file#method`: the script finds their lines, so
    // the group follows them when those files change), against the e2e files that erase accounts.
    name: 'erasure',
    mutate: [
      'src/users/users.service.ts#eraseAccount',
      'src/donations/donor-erasure.service.ts#eraseDonor',
      'src/common/hooks/account-hooks.ts#onErase',
      'src/common/hooks/account-hooks.ts#onEraseLock',
      'src/common/hooks/account-hooks.ts#lockForErasure',
      'src/common/hooks/account-hooks.ts#runErasers',
    ],
    // sso.e2e-spec.ts: an account without a password confirms its erasure with a newsroom token.
    tests: ['test/e2e/account-erasure.e2e-spec.ts', 'test/e2e/users.e2e-spec.ts', 'test/e2e/erasure-races.e2e-spec.ts', 'test/e2e/sso.e2e-spec.ts'],
  },
  {
    // Who may post, reply, edit and delete, and what the posting statement's findings mean; the statement itself
    // (locks, the duplicate look-up, the counters) is SQL that the comments e2e files prove.
    name: 'posting-rules',
    mutate: ['src/comments/posting-rules.ts'],
    tests: ['src/comments/posting-rules.spec.ts'],
  },
];

const REPORTS = 'reports/mutation';
/** The score the issue asks of every rule file. */
const THRESHOLD = 80;

interface FileScore {
  file: string;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  score: number;
}

function main(argv: string[]): number {
  const selected = selectGroups(argv);
  if (argv.includes('--list')) {
    for (const group of selected) out(`${group.name}\n  mutate: ${group.mutate.map(toStrykerPattern).join(', ')}\n  tests:  ${group.tests.join(', ')}\n`);
    return 0;
  }
  if (selected.length === 0) {
    out('No rule file or covering test differs: nothing to mutate.\n');
    return 0;
  }
  mkdirSync(REPORTS, { recursive: true });
  const scores: FileScore[] = [];
  const started = Date.now();
  for (const group of selected) {
    const missing = group.tests.filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`group ${group.name} names test files that do not exist: ${missing.join(', ')}`);
    const groupStarted = Date.now();
    out(`\n== ${group.name}: ${new Set(group.mutate.map(withoutRange)).size} rule files, ${group.tests.length} test files\n`);
    const status = runStryker(group, argv.includes('--force'));
    out(`== ${group.name}: ${minutes(Date.now() - groupStarted)}${status === 0 ? '' : ` (stryker exited ${status})`}\n`);
    if (status !== 0) return status;
    scores.push(...readScores(group));
  }
  const table = summary(scores, Date.now() - started);
  writeFileSync(join(REPORTS, 'summary.md'), table);
  out(`\n${table}`);
  return scores.every((score) => score.score >= THRESHOLD) ? 0 : 1;
}

function selectGroups(argv: string[]): Group[] {
  const changedAt = argv.indexOf('--changed');
  if (changedAt >= 0) {
    const base = argv[changedAt + 1] && !argv[changedAt + 1].startsWith('--') ? argv[changedAt + 1] : 'main';
    const changed = new Set(changedFiles(base));
    return GROUPS.filter((group) => [...group.mutate.map(withoutRange), ...group.tests].some((file) => changed.has(file)));
  }
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !GROUPS.some((group) => group.name === name));
  if (unknown.length > 0) throw new Error(`unknown groups: ${unknown.join(', ')} (known: ${GROUPS.map((group) => group.name).join(', ')})`);
  return names.length === 0 ? GROUPS : GROUPS.filter((group) => names.includes(group.name));
}

/** `src/file.ts#method` → `src/file.ts`. */
function withoutRange(mutate: string): string {
  return mutate.replace(/#.*$/, '');
}

/** `src/file.ts#method` → `src/file.ts:from-to`, the lines of that method or function (a line range Stryker mutates). */
function toStrykerPattern(mutate: string): string {
  const [file, name] = mutate.split('#');
  if (name === undefined) return mutate;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const ranges: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isMethodDeclaration(node) || ts.isFunctionDeclaration(node)) && node.name?.getText(source) === name) {
      const line = (position: number) => source.getLineAndCharacterOfPosition(position).line + 1;
      ranges.push(`${file}:${line(node.getStart(source))}-${line(node.getEnd())}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (ranges.length !== 1) throw new Error(`${mutate}: expected one method or function of that name, found ${ranges.length}`);
  return ranges[0];
}

/** Files that differ from `base`, committed or not. */
function changedFiles(base: string): string[] {
  const committed = execFileSync('git', ['diff', '--name-only', `${base}...HEAD`], { encoding: 'utf8' });
  const uncommitted = execFileSync('git', ['diff', '--name-only', 'HEAD'], { encoding: 'utf8' });
  const untracked = execFileSync('git', ['ls-files', '--others', '--exclude-standard'], { encoding: 'utf8' });
  return `${committed}\n${uncommitted}\n${untracked}`.split('\n').filter(Boolean);
}

function runStryker(group: Group, force: boolean): number {
  const base = JSON.parse(readFileSync('stryker.config.json', 'utf8')) as Record<string, unknown>;
  const config = {
    ...base,
    mutate: group.mutate.map(toStrykerPattern),
    incrementalFile: join(REPORTS, `${group.name}.incremental.json`),
    jsonReporter: { fileName: join(REPORTS, `${group.name}.json`) },
    htmlReporter: { fileName: join(REPORTS, `${group.name}.html`) },
  };
  const configFile = join(REPORTS, `${group.name}.stryker.json`);
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  // One runner at a low priority: the machine is shared with other test runs.
  const concurrency = process.env.MUTATION_CONCURRENCY ?? '1';
  const niceness = process.env.MUTATION_NICE ?? '19';
  const args = ['-n', niceness, 'npx', 'stryker', 'run', configFile, '--concurrency', concurrency, ...(force ? ['--force'] : [])];
  const result = spawnSync('nice', args, {
    stdio: 'inherit',
    env: { ...process.env, JEST_TEST_FILES: group.tests.join(',') },
  });
  return result.status ?? 1;
}

interface MutationReport {
  files: Record<string, { mutants: { status: string }[] }>;
}

function readScores(group: Group): FileScore[] {
  const report = JSON.parse(readFileSync(join(REPORTS, `${group.name}.json`), 'utf8')) as MutationReport;
  // The report also keeps files of the incremental file that the group no longer mutates (a file moved to another group).
  const mutated = new Set(group.mutate.map(withoutRange));
  return Object.entries(report.files).filter(([file]) => mutated.has(file)).map(([file, { mutants }]) => {
    const count = (status: string) => mutants.filter((mutant) => mutant.status === status).length;
    const [killed, survived, noCoverage, timeout] = ['Killed', 'Survived', 'NoCoverage', 'Timeout'].map(count);
    const valid = killed + survived + noCoverage + timeout;
    return { file, killed, survived, noCoverage, timeout, score: valid === 0 ? 100 : (100 * (killed + timeout)) / valid };
  });
}

function summary(scores: FileScore[], elapsed: number): string {
  const rows = scores.map(
    (score) => `| ${score.file} | ${score.score.toFixed(1)} % | ${score.killed + score.timeout} | ${score.survived} | ${score.noCoverage} |${score.score < THRESHOLD ? ' below 80 % |' : ''}`,
  );
  return [
    '| rule file | score | killed | survived | no coverage |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `${scores.length} files in ${minutes(elapsed)}`,
    '',
  ].join('\n');
}

function minutes(milliseconds: number): string {
  return `${(milliseconds / 60_000).toFixed(1)} min`;
}

function out(text: string): void {
  process.stdout.write(text);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
}
