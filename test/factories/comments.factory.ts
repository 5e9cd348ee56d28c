import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { CommentsService } from '../../src/comments/comments.service';
import { CommentStatus } from '../../src/comments/comment.entity';
import { TestApp } from '../support/test-app';
import { RegisteredReader, uniqueSuffix } from './users.factory';

export interface PostedComment {
  id: string;
  articleId: string;
  parentId: string | null;
  rootId: string | null;
  depth: number;
  body: string;
  status: string;
}

/** Posts a comment over HTTP (unique text unless given) and fails loudly on anything but 201. */
export async function postComment(
  http: TestAgent,
  author: RegisteredReader,
  articleId: string,
  overrides: Partial<{ body: string; parentId: string }> = {},
): Promise<PostedComment> {
  const body = { body: `A thought ${uniqueSuffix()}`, ...overrides };
  const response = await http.post(`/api/v1/articles/${articleId}/comments`).set(author.auth).send(body);
  if (response.status !== 201) throw new Error(`post comment failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as PostedComment;
}

/** Changes a status the way moderation does (row lock + counters), for arranging tests. */
export async function changeStatus(t: TestApp, commentId: string, status: CommentStatus, hiddenReason?: string): Promise<void> {
  const comments = t.app.get(CommentsService);
  await t.transactions.run(() => comments.setStatus(commentId, status, { hiddenReason }));
}

/** Moves a comment's creation time back, e.g. past the edit window. */
export async function ageComment(db: DataSource, commentId: string, minutes: number): Promise<void> {
  await db.query(`UPDATE comments SET created_at = created_at - make_interval(mins => $2) WHERE id = $1`, [commentId, minutes]);
}

export async function commentRow(db: DataSource, commentId: string): Promise<Record<string, unknown>> {
  const [row] = await db.query('SELECT * FROM comments WHERE id = $1', [commentId]);
  return row;
}

/** The article's visible-comment count as stored: its row's counter plus the moves not folded into it yet. */
export const STORED_ARTICLE_COMMENT_COUNT = `(a.comment_count + COALESCE((SELECT sum(d.delta) FROM article_comment_count_deltas d WHERE d.article_id = a.id), 0))::int`;

export async function articleCommentCount(db: DataSource, articleId: string): Promise<number> {
  const [row] = await db.query(`SELECT ${STORED_ARTICLE_COMMENT_COUNT} AS comment_count FROM articles a WHERE a.id = $1`, [articleId]);
  return row.comment_count;
}
