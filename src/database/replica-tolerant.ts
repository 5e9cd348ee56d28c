import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import type { AuthenticatedUser } from '../common/auth/authenticated-user';
import { isDatabaseUnavailable } from '../common/errors/database-unavailable';
import { actorOf, RecentWriters } from './read-your-writes';
import { ReplicaReads } from './replica-reads';
import { onPrimary, onReplica } from './replica-scope';

export const REPLICA_TOLERANT_KEY = 'margin:replica-tolerant';

type ViewerRequest = FastifyRequest & { user?: AuthenticatedUser } & Record<string, unknown>;

/**
 * The reads of a route marked `@ReplicaTolerant()` (outside any transaction)
 * go to a streaming replica, unless the caller wrote in the last
 * READ_YOUR_WRITES_SECONDS or signed in with a token that young: those read the
 * primary. A replica that fails for want of a connection costs the request a
 * second try on the primary, not an error. What the shared thread cache stores
 * is always built from the primary (ThreadCache), whichever route asks.
 */
@Injectable()
export class ReplicaReadsInterceptor implements NestInterceptor {
  constructor(
    private readonly replicas: ReplicaReads,
    private readonly recentWriters: RecentWriters,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.replicas.configured) return next.handle();
    const request = context.switchToHttp().getRequest<ViewerRequest>();
    const actor = actorOf(request);
    if (!actor) return this.onReplica(next);
    if (this.recentWriters.isFreshToken(request.user?.issuedAt)) return next.handle();
    return from(this.recentWriters.wroteRecently(actor)).pipe(mergeMap((wrote) => (wrote ? onPrimary(() => next.handle()) : this.onReplica(next))));
  }

  private onReplica(next: CallHandler): Observable<unknown> {
    const manager = this.replicas.pick();
    if (!manager) return next.handle();
    return onReplica(manager, () => next.handle()).pipe(
      catchError((error: unknown) => {
        if (!isDatabaseUnavailable(error)) return throwError(() => error);
        this.replicas.markDown(manager);
        return onPrimary(() => next.handle());
      }),
    );
  }
}

/** The route's reads may be a little stale (public thread pages, counts, profiles): they may go to a replica. */
export const ReplicaTolerant = () => applyDecorators(SetMetadata(REPLICA_TOLERANT_KEY, true), UseInterceptors(ReplicaReadsInterceptor));
