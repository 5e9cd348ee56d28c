import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, map, Observable, of, switchMap } from 'rxjs';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { ThreadCache } from '../common/cache/thread-cache';
import { DEFAULT_PAGE_SIZE } from '../common/pagination/page-query.dto';

type ThreadRequest = FastifyRequest<{ Params: { articleId: string }; Querystring: Record<string, string | undefined> }> & {
  user?: AuthenticatedUser;
};

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serves anonymous first pages of a thread (any sort and limit, no cursor)
 * from the ThreadCache, already serialized. Signed-in readers go through the
 * service, which reuses the same cached page when nothing in it is theirs.
 */
@Injectable()
export class ThreadPageCacheInterceptor implements NestInterceptor {
  constructor(private readonly cache: ThreadCache) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<ThreadRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const { cursor, sort, limit, ...rest } = request.query;
    if (request.user || cursor !== undefined || Object.keys(rest).length > 0) return next.handle();
    const articleId = request.params.articleId;
    const key = threadPageKey(sort ?? 'newest', limit ?? DEFAULT_PAGE_SIZE);
    return from(this.cache.lookup(articleId, key)).pipe(
      switchMap(({ version, hit }) => {
        void reply.header('content-type', JSON_TYPE);
        if (hit !== undefined) return of(hit);
        return next.handle().pipe(
          map((page: unknown) => {
            const body = JSON.stringify(page);
            this.cache.store(articleId, version, key, body);
            return body;
          }),
        );
      }),
    );
  }
}

/** The cache key of a thread's first page; shared by the anonymous and signed-in paths. */
export function threadPageKey(sort: string, limit: string | number): string {
  return `${sort}:${limit}`;
}
