import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Role } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';
import { InjectRedis, OptionalRedis } from '../common/redis/redis.module';
import { countRedisFallback } from '../common/redis/redis.metrics';
import { AppConfig } from '../config/app-config';

/** Who a ticket stands for, as they were when it was issued (at most a minute before the stream opens). */
export interface TicketHolder {
  userId: string;
  role: Role;
}

const KEY_PREFIX = 'margin:live:ticket:';
/** Tickets kept in memory (no Redis) at most; a flood of requests for tickets cannot grow the process. */
const MAX_MEMORY_TICKETS = 100_000;

/**
 * Single-use tickets for `?ticket=` on a stream (EventSource cannot send an
 * Authorization header). Only a hash of each ticket is stored, so the store
 * holds nothing a reader could use. With REDIS_URL they live in Redis (any
 * instance redeems what another issued; GETDEL makes the single use atomic);
 * without it, or while Redis is down, in this process.
 */
@Injectable()
export class LiveTickets {
  private readonly memory = new Map<string, { holder: TicketHolder; expiresAt: number }>();

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: OptionalRedis,
  ) {}

  async issue(reader: AuthenticatedUser): Promise<string> {
    const ticket = randomBytes(24).toString('base64url');
    const holder: TicketHolder = { userId: reader.id, role: reader.role };
    const ttlMs = this.config.live.ticketTtlMs;
    if (this.redis?.status === 'ready') {
      try {
        await this.redis.set(KEY_PREFIX + hashOf(ticket), JSON.stringify(holder), 'PX', ttlMs);
        return ticket;
      } catch {
        countRedisFallback('live_ticket');
      }
    }
    this.forgetExpired();
    if (this.memory.size >= MAX_MEMORY_TICKETS) throw new AppError('RATE_LIMITED', 'Too many live-stream tickets are outstanding', undefined, { 'Retry-After': '60' });
    this.memory.set(hashOf(ticket), { holder, expiresAt: Date.now() + ttlMs });
    return ticket;
  }

  /** The ticket's holder, once: an unknown, used or expired ticket is a 401 INVALID_TICKET. */
  async redeem(ticket: string): Promise<TicketHolder> {
    const hash = hashOf(ticket);
    const remembered = this.memory.get(hash);
    if (remembered) {
      this.memory.delete(hash);
      if (remembered.expiresAt > Date.now()) return remembered.holder;
    } else if (this.redis?.status === 'ready') {
      try {
        const stored = await this.redis.getdel(KEY_PREFIX + hash);
        if (stored) return JSON.parse(stored) as TicketHolder;
      } catch {
        countRedisFallback('live_ticket');
      }
    }
    throw new AppError('INVALID_TICKET', 'The ticket is unknown, already used or expired: ask POST /api/v1/me/live-ticket for a new one');
  }

  private forgetExpired(): void {
    const now = Date.now();
    // Every ticket lives as long as the next, so the map's insertion order is its expiry order.
    for (const [hash, entry] of this.memory) {
      if (entry.expiresAt > now) return;
      this.memory.delete(hash);
    }
  }
}

function hashOf(ticket: string): string {
  return createHash('sha256').update(ticket).digest('base64url');
}
