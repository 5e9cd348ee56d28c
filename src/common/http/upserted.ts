import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';

/** What an upsert returns: the resource, and whether this request created it. */
export class Upserted<T> {
  constructor(
    readonly resource: T,
    readonly created: boolean,
  ) {}
}

/** Answers 201 when an upsert created the resource and 200 when it updated it. */
@Injectable()
class UpsertStatusInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Upserted)) return result;
        void context.switchToHttp().getResponse<FastifyReply>().status(result.created ? 201 : 200);
        return result.resource;
      }),
    );
  }
}

export const UpsertStatus = () => UseInterceptors(UpsertStatusInterceptor);
