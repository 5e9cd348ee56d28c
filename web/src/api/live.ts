import { type Connection, type Schemas, unwrap } from './connection';

/**
 * Live streams (Server-Sent Events through the browser's EventSource). EventSource sends no
 * Authorization header, so a signed-in reader or moderator asks for a single-use ticket first, on
 * every (re)connection.
 */
export type CommentUpdate = Schemas['LiveCommentUpdatedView'];
export type QueueChange = Schemas['LiveQueueChangeView'];
export interface ReactionsUpdate {
  id: string;
  reactionCount: number;
}

const id = encodeURIComponent;

export async function liveTicket(connection: Connection): Promise<string> {
  const { ticket } = await unwrap(connection.api.POST('/api/v1/me/live-ticket'));
  return ticket;
}

export function articleLiveUrl(connection: Connection, articleId: string, ticket?: string): string {
  return `${connection.baseUrl}/api/v1/articles/${id(articleId)}/live${ticket ? `?ticket=${id(ticket)}` : ''}`;
}

export function queueLiveUrl(connection: Connection, ticket: string): string {
  return `${connection.baseUrl}/api/v1/admin/queue/live?ticket=${id(ticket)}`;
}

/** The JSON `data` of one event. */
export function eventData<T>(event: Event): T {
  return JSON.parse((event as MessageEvent<string>).data) as T;
}
