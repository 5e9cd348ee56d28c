import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, map, Observable } from 'rxjs';
import { carriesCredentials, markPrivate, sendPrivate, sendShared } from '../common/cache/http-caching';
import { SerializedPage } from '../common/cache/serialized-page';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { CANONICAL_LIMIT, DEFAULT_PAGE_SIZE } from '../common/pagination/page-query.dto';
import { THREAD_SORTS, ThreadSort } from './comment-sorts';
import { CommentsService, PublicFirstPageQuery } from './comments.service';

type ThreadRequest = FastifyRequest<{ Params: { articleId: string }; Querystring: Record<string, unknown> }> & { user?: AuthenticatedUser };


/**
 * Anonymous thread reads are shareable (entity tag, public Cache-Control);
 * signed-in ones are private. A first page asked for in its canonical spelling
 * is served straight from the ThreadCache (for a signed-in reader, through the
 * service's personalised first page), before validation and the controller; any other spelling (`limit=0100`, `limit=1e2`) goes through
 * validation, which normalises it to the same cache key in the service, or
 * rejects it. So the key space per article is the 4 sorts × 100 limits, whatever is sent.
 */
@Injectable()
export class ThreadPageCacheInterceptor implements NestInterceptor {
  constructor(private readonly comments: CommentsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<ThreadRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const canonical = canonicalFirstPageQuery(request.query);
    if (carriesCredentials(request)) {
      markPrivate(reply);
      // The canonical spelling needs no validation here either. A page served from the cache (nothing of the
      // reader's on it, or a token that turned out not to be valid) is its serialized body, sent as it is.
      const page = canonical ? from(this.comments.listThread(request.params.articleId, canonical, request.user)) : next.handle();
      return page.pipe(map((result: unknown) => (result instanceof SerializedPage ? sendPrivate(reply, result) : result)));
    }
    const result = canonical ? from(this.comments.publicFirstPage(request.params.articleId, canonical)) : next.handle();
    return result.pipe(map((page: unknown) => sendShared(reply, page)));
  }
}

/** The first-page query when every parameter is spelled as validation would leave it, else null. */
export function canonicalFirstPageQuery(query: Record<string, unknown>): PublicFirstPageQuery | null {
  let sort: ThreadSort = 'newest';
  let limit = DEFAULT_PAGE_SIZE;
  for (const [name, value] of Object.entries(query)) {
    if (name === 'sort' && isThreadSort(value)) sort = value;
    else if (name === 'limit' && typeof value === 'string' && CANONICAL_LIMIT.test(value)) limit = Number(value);
    else return null;
  }
  return { sort, limit };
}

function isThreadSort(value: unknown): value is ThreadSort {
  return (THREAD_SORTS as readonly unknown[]).includes(value);
}
