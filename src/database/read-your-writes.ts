import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { CMS_CLIENT_MARK } from '../common/auth/jwt-auth.guard';
import type { AuthenticatedUser } from '../common/auth/authenticated-user';
import { InjectRedis, OptionalRedis } from '../common/redis/redis.module';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Past this many writers remembered in memory, the ones outside the window are forgotten.
const MAX_LOCAL_MARKS = 10_000;

type MarkedRequest = FastifyRequest & { user?: AuthenticatedUser } & Record<string, unknown>;

/** Who a request acts as, for read-your-writes: an account, the CMS, or nobody (anonymous). */
export function actorOf(request: MarkedRequest): string | null {
  if (request[CMS_CLIENT_MARK]) return 'cms';
  return request.user ? `account:${request.user.id}` : null;
}

/**
 * Who wrote in the last READ_YOUR_WRITES_SECONDS. Every request that may write
 * (any method but GET/HEAD/OPTIONS) marks its actor before its response leaves,
 * so by the time the client hears the answer, every instance sharing the Redis
 * sends that actor's lag-tolerant reads to the primary. When the mark cannot be
 * read (Redis fails) the answer is "yes": a read then goes to the primary.
 */
@Injectable()
export class RecentWriters {
  private readonly local = new Map<string, number>();
  private readonly windowMs: number;

  constructor(
    config: AppConfig,
    @InjectRedis() private readonly redis: OptionalRedis,
  ) {
    this.windowMs = config.readYourWritesSeconds * 1000;
  }

  async mark(actor: string, now = Date.now()): Promise<void> {
    if (this.local.size >= MAX_LOCAL_MARKS) this.forgetOld(now);
    this.local.set(actor, now);
    if (!this.redis) return;
    // A failed mark is no failed write: this instance still knows, and other instances read "yes" while Redis fails.
    await this.redis.set(markKey(actor), '1', 'PX', this.windowMs).catch(() => undefined);
  }

  async wroteRecently(actor: string, now = Date.now()): Promise<boolean> {
    const local = this.local.get(actor);
    if (local !== undefined && now - local < this.windowMs) return true;
    if (!this.redis) return false;
    if (this.redis.status !== 'ready') return true;
    try {
      return (await this.redis.exists(markKey(actor))) === 1;
    } catch {
      return true;
    }
  }

  /** Is a token this fresh the sign-in (register, login, refresh) of an account whose rows are new? */
  isFreshToken(issuedAtSeconds: number | undefined, now = Date.now()): boolean {
    return issuedAtSeconds !== undefined && now - issuedAtSeconds * 1000 < this.windowMs;
  }

  /** Marks writers as their responses leave (an onSend hook: before the client can read its answer). */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onSend', async (request) => {
      if (SAFE_METHODS.has(request.method)) return;
      const actor = actorOf(request as MarkedRequest);
      if (actor) await this.mark(actor);
    });
  }

  private forgetOld(now: number): void {
    for (const [actor, at] of this.local) if (now - at >= this.windowMs) this.local.delete(actor);
    if (this.local.size >= MAX_LOCAL_MARKS) this.local.clear();
  }
}

function markKey(actor: string): string {
  return `margin:wrote:${actor}`;
}
