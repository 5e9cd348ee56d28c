import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { sendPrivate } from './http-caching';
import { SerializedPage } from './serialized-page';

/** Sends a handler's SerializedPage (a page kept serialized for one reader) as its JSON body; anything else as it is. */
@Injectable()
export class SerializedPageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(map((result: unknown) => (result instanceof SerializedPage ? sendPrivate(reply, result) : result)));
  }
}
