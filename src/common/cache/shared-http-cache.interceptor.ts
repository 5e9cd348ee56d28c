import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { carriesCredentials, markPrivate, sendPrivate, sendShared } from './http-caching';
import { SerializedPage } from './serialized-page';

/**
 * For public reads that show an anonymous caller the same thing as every other
 * (replies pages, profiles, articles): an entity tag and a shareable
 * Cache-Control, so that browsers revalidate with 304s and a CDN can absorb
 * a hot story. A request with credentials is marked private.
 */
@Injectable()
export class SharedHttpCacheInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (carriesCredentials(request)) {
      markPrivate(reply);
      // A page cached for anonymous readers reaches a caller with credentials when the token is not valid: its body.
      return next.handle().pipe(map((result: unknown) => (result instanceof SerializedPage ? sendPrivate(reply, result) : result)));
    }
    return next.handle().pipe(map((result: unknown) => sendShared(reply, result)));
  }
}

/** Marks a public GET handler's anonymous answers shareable (see SharedHttpCacheInterceptor). */
export const SharedWhenAnonymous = () => UseInterceptors(SharedHttpCacheInterceptor);
