import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'pg';

/**
 * The yardstick: a bare node:http + pg server with no framework, answering
 * exactly the bytes the app answers for an anonymous first page (same JSON,
 * same key order, same cursor: `bench/run.ts` compares them before measuring
 * and refuses to run if they differ) with one SQL statement, and taking a post
 * with one INSERT of the same comment row. No auth, validation or cache: the
 * floor of the cost.
 *
 * The JSON is built as text from row_to_json (compact, like JSON.stringify)
 * joined with string_agg: json_agg and json_build_object add spaces.
 */
const ISO_MS = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const ISO_US = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const AUTHOR = (alias: string) => `(SELECT row_to_json(a) FROM (
    SELECT au.id, au.display_name AS "displayName", au.role,
           EXISTS (SELECT 1 FROM supporter_entitlements e WHERE e.user_id = au.id AND e.revoked_at IS NULL
                   AND e.valid_from <= now() AND e.valid_until > now()) AS "isSupporter"
    FROM users au WHERE au.id = ${alias}.author_id AND au.erased_at IS NULL) a)`;
const VIEW_COLUMNS = (alias: string) => `${alias}.id, ${alias}.article_id AS "articleId", ${alias}.parent_id AS "parentId",
    ${alias}.root_id AS "rootId", ${alias}.depth,
    CASE WHEN ${alias}.status IN ('hidden', 'deleted') THEN NULL ELSE ${alias}.body END AS body, ${alias}.status,
    ${AUTHOR(alias)} AS author,
    (SELECT row_to_json(r) FROM (SELECT ${alias}.parent_id AS "commentId", pu.display_name AS "authorDisplayName"
       FROM comments pc LEFT JOIN users pu ON pu.id = pc.author_id AND pu.erased_at IS NULL
       WHERE pc.id = ${alias}.parent_id) r) AS "inReplyTo",
    ${ISO_MS(`${alias}.created_at`)} AS "createdAt",
    ${ISO_MS(`${alias}.edited_at`)} AS "editedAt",
    ${alias}.reply_count AS "replyCount", ${alias}.reaction_count AS "reactionCount", false AS "viewerReacted", ${alias}.featured`;
export const FIRST_PAGE = `
WITH top AS (
  SELECT * FROM comments c
  WHERE c.article_id = $1 AND c.parent_id IS NULL AND c.status <> 'pending'
  ORDER BY c.created_at DESC, c.id DESC LIMIT 21
), page AS (
  SELECT * FROM top ORDER BY created_at DESC, id DESC LIMIT 20
), items AS (
  SELECT p.created_at, p.id, row_to_json(v)::text AS item
  FROM page p CROSS JOIN LATERAL (
    SELECT ${VIEW_COLUMNS('p')},
      (SELECT ('[' || coalesce(string_agg(row_to_json(d)::text, ',' ORDER BY d."createdAt", d.id), '') || ']')::json FROM (
         SELECT ${VIEW_COLUMNS('r')} FROM comments r
         WHERE r.root_id = p.id AND r.status <> 'pending'
         ORDER BY r.created_at, r.id LIMIT 3) d) AS replies
  ) v
)
SELECT '{"items":[' || coalesce((SELECT string_agg(item, ',' ORDER BY created_at DESC, id DESC) FROM items), '') || '],"nextCursor":' ||
  CASE WHEN (SELECT count(*) FROM top) > 20 THEN (
    SELECT '"' || rtrim(translate(replace(encode(convert_to('["' || ${ISO_US('l.created_at')} || '","' || l.id || '"]', 'UTF8'), 'base64'), E'\n', ''), '+/', '-_'), '=') || '"'
    FROM (SELECT created_at, id FROM page ORDER BY created_at, id LIMIT 1) l)
  ELSE 'null' END || '}' AS page`;

/** The same row the app inserts for a top-level post (its other columns take their defaults). */
const INSERT = `INSERT INTO comments (article_id, author_id, body, status) VALUES ($1, $2, $3, 'visible')
  RETURNING json_build_object('id', id, 'articleId', article_id, 'body', body, 'createdAt', created_at)::text AS comment`;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: string) {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export function startBaseline(databaseUrl: string, port: number) {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  // The handler catches everything itself, so nothing is lost by not awaiting it.
  const server = createServer((request, response) => void answer(request, response));
  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const match = /^\/articles\/([^/]+)\/comments$/.exec(request.url ?? '');
      if (!match) return send(response, 404, '{}');
      if (request.method === 'GET') {
        const { rows } = await pool.query(FIRST_PAGE, [match[1]]);
        return send(response, 200, rows[0].page);
      }
      const { body } = JSON.parse(await readBody(request)) as { body: string };
      const { rows } = await pool.query(INSERT, [match[1], request.headers['x-author-id'], body]);
      return send(response, 201, rows[0].comment);
    } catch {
      return send(response, 500, '{}');
    }
  }
  server.listen(port, '127.0.0.1');
  return { close: async () => { server.close(); await pool.end(); } };
}

if (require.main === module) {
  const [databaseUrl, port] = process.argv.slice(2);
  startBaseline(databaseUrl, Number(port));
}
