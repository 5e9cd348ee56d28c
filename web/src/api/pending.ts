/**
 * PENDING ENDPOINTS — typed by hand from ../shared/API.md, because they are being built on other
 * branches and are not in the committed openapi.json yet. Once they are merged, switch each function
 * to the generated client (`connection.api.GET(...)`) and delete its hand-written types.
 *
 * Every caller must degrade gracefully when the server answers 404 (the endpoint does not exist
 * there): `isMissing(problem)` tells them apart from a 404 about the thing asked for.
 */
import { ApiProblem, type Connection, type Schemas, type User } from './connection';

export type Comment = Schemas['CommentView'];
export type Profile = Schemas['ProfileView'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The endpoint itself is absent on this server (as opposed to a known resource that is not found). */
export function isMissing(problem: unknown): boolean {
  return problem instanceof ApiProblem && (problem.status === 404 || problem.status === 405) && ['NOT_FOUND', 'HTTP_404', 'METHOD_NOT_ALLOWED', 'SSO_NOT_CONFIGURED'].includes(problem.code);
}

const id = encodeURIComponent;

// Newsroom sign-in: POST /auth/sso {token} → {user, accessToken, refreshToken}; 404 SSO_NOT_CONFIGURED.
export function exchangeSsoToken(connection: Connection, token: string) {
  return connection.request<{ user: User; accessToken: string; refreshToken: string }>('POST', '/api/v1/auth/sso', { token });
}

// Live threads: POST /me/live-ticket → 201 {ticket}, single use, valid 60 s.
export function liveTicket(connection: Connection) {
  return connection.request<{ ticket: string }>('POST', '/api/v1/me/live-ticket');
}

export function articleLiveUrl(connection: Connection, articleId: string, ticket?: string): string {
  return `${connection.baseUrl}/api/v1/articles/${id(articleId)}/live${ticket ? `?ticket=${id(ticket)}` : ''}`;
}

export function queueLiveUrl(connection: Connection, ticket: string): string {
  return `${connection.baseUrl}/api/v1/admin/queue/live?ticket=${id(ticket)}`;
}

/** `comment.updated` on the article stream. */
export interface CommentUpdate {
  id: string;
  status: Comment['status'];
  body: string | null;
  editedAt: string | null;
  featured: boolean;
}

/** `queue.added` / `queue.removed` on the moderators' stream. */
export interface QueueChange {
  commentId: string;
  state: 'reported' | 'pending' | 'hidden';
}

// Picks: GET /articles/:articleId/picks → page of featured comments.
export function picks(connection: Connection, articleId: string) {
  return connection.request<Page<Comment>>('GET', `/api/v1/articles/${id(articleId)}/picks?limit=10`);
}

// Bulk moderation: POST /admin/comments/bulk {ids, action, reason?, note?} → {results: [{id, status} | {id, code}]}.
export type BulkAction = 'hide' | 'unhide' | 'approve' | 'delete';
export interface BulkResult {
  id: string;
  status?: Comment['status'];
  code?: string;
}
export function bulkModerate(connection: Connection, body: { ids: string[]; action: BulkAction; reason?: string; note?: string }) {
  return connection.request<{ results: BulkResult[] }>('POST', '/api/v1/admin/comments/bulk', body);
}

// Reader standing: GET /admin/users/:id → profile + email, emailVerified, suspendedUntil, bannedAt, counts, reports, sanctions.
export interface ReaderStanding extends Profile {
  email?: string | null;
  emailVerified?: boolean;
  suspendedUntil?: string | null;
  bannedAt?: string | null;
  commentCounts?: Record<string, number>;
  reportCount?: number;
  reports?: number;
  sanctions?: Array<{ action?: string; type?: string; reason?: string | null; createdAt?: string; until?: string | null }>;
}
export function readerStanding(connection: Connection, userId: string) {
  return connection.request<ReaderStanding>('GET', `/api/v1/admin/users/${id(userId)}`);
}

// GET /admin/users/:id/comments?status= → every comment of that reader, any status.
export function readerComments(connection: Connection, userId: string, status?: string) {
  const query = status ? `&status=${id(status)}` : '';
  return connection.request<Page<Comment>>('GET', `/api/v1/admin/users/${id(userId)}/comments?limit=50${query}`);
}

// Notes: GET, POST /admin/users/:id/notes {body ≤ 2000} → {id, author, body, createdAt}.
export interface ReaderNote {
  id: string;
  author: { id: string; displayName: string } | null;
  body: string;
  createdAt: string;
}
export function readerNotes(connection: Connection, userId: string) {
  return connection.request<Page<ReaderNote>>('GET', `/api/v1/admin/users/${id(userId)}/notes`);
}
export function addReaderNote(connection: Connection, userId: string, body: string) {
  return connection.request<ReaderNote>('POST', `/api/v1/admin/users/${id(userId)}/notes`, { body });
}

// Webhooks: GET /admin/webhooks, GET/PUT/DELETE /admin/webhooks/:id {url, secret, events}; GET …/:id/deliveries.
export const WEBHOOK_EVENTS = ['comment.created', 'comment.moderated', 'article.commentsClosed', 'donation.succeeded', 'donation.refunded'] as const;
export interface Webhook {
  id: string;
  url: string;
  events: string[];
  createdAt?: string;
}
export interface WebhookDelivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  createdAt: string;
}
export function webhooks(connection: Connection) {
  return connection.request<Page<Webhook> | Webhook[]>('GET', '/api/v1/admin/webhooks');
}
export function saveWebhook(connection: Connection, webhookId: string, body: { url: string; secret: string; events: string[] }) {
  return connection.request<Webhook>('PUT', `/api/v1/admin/webhooks/${id(webhookId)}`, body);
}
export function deleteWebhook(connection: Connection, webhookId: string) {
  return connection.request<void>('DELETE', `/api/v1/admin/webhooks/${id(webhookId)}`);
}
export function webhookDeliveries(connection: Connection, webhookId: string) {
  return connection.request<Page<WebhookDelivery>>('GET', `/api/v1/admin/webhooks/${id(webhookId)}/deliveries`);
}

/**
 * Moderation settings as the contract lists them. The committed document has only `bannedWords` and
 * `premoderateNewReaders`: the console edits the fields the server answers with and sends back only those.
 */
export interface ModerationSettings {
  bannedWords?: string[];
  premoderateNewReaders?: boolean;
  suspectWords?: string[];
  premoderateLinks?: boolean;
  closeAfterDays?: number | null;
  externalModeration?: { url: string; secret: string; timeoutMs?: number } | null;
}
