import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SQL_INTERFACE_OWNERS, TABLE_OWNERS } from './table-ownership';

const SRC = join(__dirname, '..');
const MIGRATIONS = join(SRC, '..', 'migrations');
// Infrastructure that works on the database as a whole (creating it, migrating it), not on a module's data.
const NOT_A_MODULE = new Set(['database']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Entity class name → table, from the `@Entity('table')` decorators. */
function entityTables(): Map<string, string> {
  const tables = new Map<string, string>();
  for (const file of filesUnder(SRC)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/@Entity\('([a-z_]+)'\)\s*export class (\w+)/g)) tables.set(match[2], match[1]);
  }
  return tables;
}

/** Source without JavaScript and SQL comments, so prose that says "from users" is not read as SQL. */
function withoutComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/^\s*\/\/.*$/gm, ' ')
    .replace(/--[^\n`]*/g, ' ');
}

/**
 * Every relation a file's SQL or query-builder calls name: tables and views after
 * FROM / JOIN / UPDATE / INTO / DELETE FROM / TRUNCATE, and entity classes passed
 * to repository and manager methods. Function calls and the file's own CTEs are left out.
 */
export function relationsNamedIn(source: string, entities: Map<string, string>): string[] {
  const code = withoutComments(source);
  const ctes = new Set([...code.matchAll(/\b([a-z_][a-z0-9_]*)\s*(?:\([^()]*\))?\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(/g)].map((match) => match[1]));
  const names: string[] = [];
  for (const match of code.matchAll(/(DISTINCT\s+)?\b(FROM|JOIN|UPDATE|INTO|TRUNCATE)\s+(?:ONLY\s+|LATERAL\s+)?([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)\b(\s*\()?/g)) {
    const [, distinctFrom, keyword, name, call] = match;
    if (distinctFrom && keyword === 'FROM') continue; // IS DISTINCT FROM <expression>
    if (call && (keyword === 'FROM' || keyword === 'JOIN')) continue; // a set-returning function
    if (ctes.has(name)) continue;
    names.push(name);
  }
  const entityCall = /\b(?:getRepository|find|findBy|findOne|findOneBy|findOneOrFail|insert|update|delete|save|count|exists|increment|decrement)\((\w+)/g;
  for (const match of code.matchAll(entityCall)) {
    const table = entities.get(match[1]);
    if (table) names.push(table);
  }
  return names;
}

function moduleOf(file: string): string {
  return relative(SRC, file).split(sep)[0];
}

describe('table ownership', () => {
  const entities = entityTables();

  it('keeps every module to its own tables (others only through their views and functions)', () => {
    const violations: string[] = [];
    for (const file of filesUnder(SRC)) {
      const module = moduleOf(file);
      if (NOT_A_MODULE.has(module) || !relative(SRC, file).includes(sep)) continue;
      for (const name of relationsNamedIn(readFileSync(file, 'utf8'), entities)) {
        if (SQL_INTERFACE_OWNERS[name]) continue;
        const owner = TABLE_OWNERS[name];
        if (owner === module) continue;
        violations.push(`${relative(SRC, file)} names ${name} (${owner ? `owned by ${owner}` : 'in no ownership map'})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('maps every entity table to an owner', () => {
    expect([...entities.values()].filter((table) => !TABLE_OWNERS[table])).toEqual([]);
  });

  it('finds each shared view and function defined by a migration', () => {
    const migrations = filesUnder(MIGRATIONS).map((file) => readFileSync(file, 'utf8')).join('\n');
    const undefinedInterfaces = Object.keys(SQL_INTERFACE_OWNERS).filter(
      (name) => !new RegExp(`CREATE (?:OR REPLACE )?(?:VIEW|FUNCTION) ${name}\\b`).test(migrations),
    );
    expect(undefinedInterfaces).toEqual([]);
  });

  it('reads table names out of SQL and query-builder calls, but not CTEs, functions or prose', () => {
    const source = `
      // A comment that mentions FROM users is not SQL.
      const rows = await this.tx.query(\`WITH moved AS (UPDATE articles SET comment_count = 1 RETURNING id)
        SELECT c.id FROM comments c JOIN user_profiles u ON u.id = c.author_id
        CROSS JOIN LATERAL articles_lock_for_comment_writes(ARRAY[c.article_id]) a
        LEFT JOIN moved ON true, unnest($1::uuid[]) AS wanted(id)
        WHERE c.author_id IS DISTINCT FROM s.excluded_id\`);
      await this.tx.insert(CommentVersion, {});
      return this.tx.getRepository(User).findOneBy({ id });`;
    const names = relationsNamedIn(source, new Map([['CommentVersion', 'comment_versions'], ['User', 'users']]));
    expect(names.sort()).toEqual(['articles', 'comment_versions', 'comments', 'user_profiles', 'users'].sort());
  });
});
