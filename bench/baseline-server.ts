import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'pg';

/**
 * The yardstick: a bare node:http + pg server with no framework, answering the
 * same first page as the app's thread read with one SQL statement and taking a
 * post with one INSERT. No auth, validation or cache: the floor of the cost.
 */
const FIRST_PAGE = `
SELECT json_build_object('items', coalesce(json_agg(t ORDER BY t."createdAt" DESC, t.id DESC), '[]'::json), 'nextCursor', NULL)::text AS page
FROM (
  SELECT c.id, c.article_id AS "articleId", c.parent_id AS "parentId", c.root_id AS "rootId", c.depth, c.body, c.status,
         c.created_at AS "createdAt", c.edited_at AS "editedAt", c.reply_count AS "replyCount",
         c.reaction_count AS "reactionCount", c.featured,
         json_build_object('id', u.id, 'displayName', u.display_name, 'role', u.role) AS author,
         (SELECT coalesce(json_agg(r ORDER BY r."createdAt", r.id), '[]'::json) FROM (
            SELECT d.id, d.parent_id AS "parentId", d.depth, d.body, d.status, d.created_at AS "createdAt",
                   d.reply_count AS "replyCount", d.reaction_count AS "reactionCount",
                   json_build_object('id', du.id, 'displayName', du.display_name, 'role', du.role) AS author
              FROM comments d LEFT JOIN users du ON du.id = d.author_id
             WHERE d.root_id = c.id ORDER BY d.created_at, d.id LIMIT 3) r) AS replies
    FROM comments c LEFT JOIN users u ON u.id = c.author_id
   WHERE c.article_id = $1 AND c.parent_id IS NULL
   ORDER BY c.created_at DESC, c.id DESC LIMIT 20) t`;

const INSERT = `INSERT INTO comments (article_id, author_id, body) VALUES ($1, $2, $3)
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
