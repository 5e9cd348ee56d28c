import { DataSource } from 'typeorm';
import TestAgent from 'supertest/lib/agent';
import { RegisteredReader, uniqueSuffix } from './users.factory';

export interface PostedComment {
  id: string;
  status: string;
  body: string;
}

export async function postComment(
  http: TestAgent,
  author: RegisteredReader,
  articleId: string,
  input: { body?: string; parentId?: string } = {},
): Promise<PostedComment> {
  const body = input.body ?? `A considered opinion ${uniqueSuffix()}`;
  const response = await http
    .post(`/api/v1/articles/${articleId}/comments`)
    .set(author.auth)
    .send({ body, ...(input.parentId ? { parentId: input.parentId } : {}) });
  if (response.status !== 201) throw new Error(`comment failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.id, status: response.body.status, body };
}

export async function reportComment(
  http: TestAgent,
  reporter: RegisteredReader,
  commentId: string,
  reason = 'abuse',
  note?: string,
): Promise<void> {
  const response = await http
    .post(`/api/v1/comments/${commentId}/reports`)
    .set(reporter.auth)
    .send({ reason, ...(note ? { note } : {}) });
  if (response.status !== 202) throw new Error(`report failed: ${response.status} ${JSON.stringify(response.body)}`);
}

export interface AuditRow {
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  reason: string | null;
  metadata: Record<string, unknown>;
}

/** The audit entries about one target, oldest first, straight from the table. */
export function auditEntriesFor(db: DataSource, targetId: string): Promise<AuditRow[]> {
  return db.query(
    `SELECT actor_id, action, target_type, target_id, reason, metadata FROM moderation_actions
      WHERE target_id = $1 ORDER BY created_at, id`,
    [targetId],
  );
}

/** An ISO time `minutes` from now. */
export function minutesFromNow(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

