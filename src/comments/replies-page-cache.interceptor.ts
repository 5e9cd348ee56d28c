import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, map, Observable } from 'rxjs';
import { carriesCredentials, markPrivate, sendPrivate, sendShared } from '../common/cache/http-caching';
import { SerializedPage } from '../common/cache/serialized-page';
import { CANONICAL_LIMIT, DEFAULT_PAGE_SIZE } from '../common/pagination/page-query.dto';
import { CommentsService } from './comments.service';

type RepliesRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>;


/**
 * Replies pages as SharedWhenAnonymous serves them (an entity tag and a shareable Cache-Control for anonymous
 * readers, private otherwise), with the first page of an anonymous read served from the ThreadCache: asked for
 * in its canonical spelling it goes straight to the service, before validation and the controller; any other
 * spelling is validated first, then reaches the same cached page. A cached page reaching a caller with
 * credentials (a token that turned out not to be valid) is sent as its body.
 */
@Injectable()
export class RepliesPageCacheInterceptor implements NestInterceptor {
  constructor(private readonly comments: CommentsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RepliesRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (carriesCredentials(request)) {
      markPrivate(reply);
      return next.handle().pipe(map((result: unknown) => (result instanceof SerializedPage ? sendPrivate(reply, result) : result)));
    }
    const limit = canonicalFirstPageLimit(request.query);
    const result = limit === null ? next.handle() : from(this.comments.publicRepliesPage(request.params.id, limit));
    return result.pipe(map((page: unknown) => sendShared(reply, page)));
  }
}

/** The page size of a first-page query spelled as validation would leave it, else null. */
export function canonicalFirstPageLimit(query: Record<string, unknown>): number | null {
  let limit = DEFAULT_PAGE_SIZE;
  for (const [name, value] of Object.entries(query)) {
    if (name === 'limit' && typeof value === 'string' && CANONICAL_LIMIT.test(value)) limit = Number(value);
    else return null;
  }
  return limit;
}
