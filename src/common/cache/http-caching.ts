import type { FastifyReply, FastifyRequest } from 'fastify';
import { SerializedPage } from './serialized-page';

/** How long a browser or CDN may reuse an anonymous public read, and serve it stale while it revalidates. */
export const SHARED_MAX_AGE_SECONDS = 5;
export const SHARED_STALE_WHILE_REVALIDATE_SECONDS = 30;

// Computed once: the hot path sets strings, it builds no policy objects.
const SHARED_CACHE_CONTROL = `public, max-age=${SHARED_MAX_AGE_SECONDS}, stale-while-revalidate=${SHARED_STALE_WHILE_REVALIDATE_SECONDS}`;
const PRIVATE_CACHE_CONTROL = 'private, no-store';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A request that carries credentials may be answered with what only its caller
 * may see; it is never marked shareable, whether or not the credentials turn out valid.
 */
export function carriesCredentials(request: FastifyRequest): boolean {
  return request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;
}

export function markPrivate(reply: FastifyReply): void {
  void reply.header('cache-control', PRIVATE_CACHE_CONTROL);
  varyOnAuthorization(reply);
}

/**
 * Sends `result` (a SerializedPage, or a value serialized here) as a shareable
 * response with its entity tag; the onSend hook turns it into a 304 when the
 * client already holds it.
 */
export function sendShared(reply: FastifyReply, result: unknown): string {
  const page = SerializedPage.of(result);
  void reply.header('content-type', JSON_TYPE);
  void reply.header('etag', page.etag);
  void reply.header('cache-control', SHARED_CACHE_CONTROL);
  // The same URL with a token is another response; a CDN must not hand this one to a signed-in reader.
  varyOnAuthorization(reply);
  return page.body;
}

/** Sends a page serialized earlier to a caller marked private (markPrivate): its body as it is, no entity tag. */
export function sendPrivate(reply: FastifyReply, page: SerializedPage): string {
  void reply.header('content-type', JSON_TYPE);
  return page.body;
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, RFC 9110 §13.1.2). */
export function matchesEntityTag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = stripWeak(etag);
  return ifNoneMatch.split(',').some((candidate) => stripWeak(candidate.trim()) === opaque);
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

function varyOnAuthorization(reply: FastifyReply): void {
  const current = reply.getHeader('vary');
  if (current === undefined || current === '') {
    void reply.header('vary', 'Authorization');
    return;
  }
  const value = Array.isArray(current) ? current.join(', ') : String(current);
  if (!/(^|,)\s*(authorization|\*)\s*(,|$)/i.test(value)) void reply.header('vary', `${value}, Authorization`);
}
