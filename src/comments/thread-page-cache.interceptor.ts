import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, map, Observable, of, switchMap } from 'rxjs';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { ThreadCache } from '../common/cache/thread-cache';

type ThreadRequest = FastifyRequest<{ Params: { articleId: string }; Querystring: Record<string, string | undefined> }> & {
  user?: AuthenticatedUser;
};

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serves anonymous first pages of a thread (any sort and limit, no cursor)
 * from the ThreadCache, already serialized; signed-in readers always get a
 * fresh page (their reactions, ignores and pending comments differ).
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
    const key = `${sort ?? 'newest'}:${limit ?? ''}`;
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
