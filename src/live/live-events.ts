import type { CommentView } from '../comments/dto/comment.views';

/** What an article stream carries, as an anonymous reader sees it. */
export interface CommentUpdatedData {
  id: string;
  status: CommentView['status'];
  body: string | null;
  editedAt: string | null;
  featured: boolean;
}

export interface CommentReactionsData {
  id: string;
  reactionCount: number;
}

/** What the moderators' queue stream carries. */
export interface QueueChangeData {
  commentId: string;
  state: 'reported' | 'pending' | 'hidden';
}

export type LiveEvent =
  | { type: 'comment.created'; data: CommentView }
  | { type: 'comment.updated'; data: CommentUpdatedData }
  | { type: 'comment.reactions'; data: CommentReactionsData }
  | { type: 'queue.added'; data: QueueChangeData }
  | { type: 'queue.removed'; data: QueueChangeData };

export type LiveEventType = LiveEvent['type'];

/**
 * One event as it travels between instances: the SSE event plus the author of
 * the comment it is about (never sent to clients; a ticketed stream leaves out
 * the authors its reader ignores).
 */
export interface LiveMessage {
  event: LiveEvent;
  authorId: string | null;
}

/** Where events go: one channel per article, one for the moderators' queue. */
export function articleChannel(articleId: string): string {
  return `article:${articleId}`;
}

export const QUEUE_CHANNEL = 'queue';

/**
 * An event id: `<epoch>-<seq>`. Events ordered by Redis (one counter per
 * channel, shared by every instance) have epoch `r`; events an instance
 * numbered itself (no Redis, or Redis unreachable) carry that process's own
 * epoch, so an id from another process or an earlier run is never mistaken
 * for one of ours.
 */
export interface EventId {
  epoch: string;
  seq: number;
}

export const REDIS_EPOCH = 'r';

export function formatEventId(id: EventId): string {
  return `${id.epoch}-${id.seq}`;
}

const EVENT_ID = /^([a-z0-9]{1,16})-(\d{1,15})$/;

export function parseEventId(text: string | undefined): EventId | null {
  const match = text === undefined ? null : EVENT_ID.exec(text.trim());
  return match ? { epoch: match[1], seq: Number(match[2]) } : null;
}

/** A serialized event, built once and written to every stream that takes it. */
export interface LiveFrame {
  id: EventId;
  type: LiveEventType;
  authorId: string | null;
  /** The whole SSE frame: `id:`, `event:`, `data:` and the blank line. */
  text: string;
  receivedAt: number;
}

export function toFrame(id: EventId, message: LiveMessage, receivedAt: number): LiveFrame {
  // JSON never holds a raw newline, so the data fits on one `data:` line.
  const text = `id: ${formatEventId(id)}\nevent: ${message.event.type}\ndata: ${JSON.stringify(message.event.data)}\n\n`;
  return { id, type: message.event.type, authorId: message.authorId, text, receivedAt };
}

export const RESET_FRAME = 'event: reset\ndata: {}\n\n';
export const HEARTBEAT_FRAME = ': heartbeat\n\n';
/** First bytes of every stream: tells EventSource how soon to reconnect, and gets the headers through proxies at once. */
export const OPENING_FRAME = 'retry: 2000\n: connected\n\n';
