import { OptionalRedis } from '../common/redis/redis.module';
import { countRedisFallback } from '../common/redis/redis.metrics';

/** The contract's "at most once a second per comment" for reaction counts. */
export const REACTIONS_INTERVAL_MS = 1_000;

/** How long a comment's change counter outlives its last change: far longer than any gate or retry. */
const CHANGES_TTL_MS = 60_000;

/**
 * A committed change, numbered per comment. The number says which publish
 * covers it: one that took the gate when the counter had reached it, since
 * that publish reads the count after taking the gate, so after the change
 * committed. Numbers from Redis and from this process's fallback are never
 * compared with each other.
 */
export interface ReactionChange {
  readonly source: 'redis' | 'memory';
  readonly number: number;
}

export type GateAnswer =
  /** Publish the count now: this caller holds the gate for a second. */
  | { readonly verdict: 'publish' }
  /** Another publish that read the count after this change holds the gate: nothing to do. */
  | { readonly verdict: 'covered' }
  /** The gate is held by a publish that may predate the change: ask again in `waitMs`. */
  | { readonly verdict: 'wait'; readonly waitMs: number; readonly change: ReactionChange };

/**
 * KEYS[1] the gate (its value: the change counter when it was taken),
 * KEYS[2] the change counter; ARGV[1] the interval, ARGV[2] the change to
 * cover, or '' for a new change (counted here), ARGV[3] the counter's TTL.
 * Answers {verdict, waitMs, change}: 1 publish, 2 covered, 0 wait.
 */
const GATE_SCRIPT = `
local change = tonumber(ARGV[2])
if not change then
  change = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
local covers = redis.call('GET', KEYS[1])
if not covers then
  redis.call('SET', KEYS[1], redis.call('GET', KEYS[2]) or '0', 'PX', ARGV[1])
  return {1, 0, change}
end
if tonumber(covers) >= change then return {2, 0, change} end
return {0, math.max(1, redis.call('PTTL', KEYS[1])), change}
`;

interface LocalGate {
  changes: number;
  heldUntil: number;
  covers: number;
}

/**
 * Decides, per comment, whether a reaction change publishes the count now,
 * later, or not at all, across instances (Redis while it answers, this
 * process otherwise). A change is never dropped unless a publish that read the
 * count after it committed holds the gate: a retry that wakes while an older
 * publish still holds it (timers and Redis expiry do not share a clock) waits
 * again instead of assuming it was covered.
 */
export class ReactionGate {
  private readonly local = new Map<string, LocalGate>();

  constructor(private readonly redis: OptionalRedis) {}

  /** `change` is null for a change that has just committed, else the change a retry must cover. */
  async attempt(commentId: string, change: ReactionChange | null): Promise<GateAnswer> {
    if (this.redis?.status === 'ready' && (change === null || change.source === 'redis')) {
      try {
        const [verdict, waitMs, number] = (await this.redis.eval(
          GATE_SCRIPT,
          2,
          `margin:live:reactions:${commentId}`,
          `margin:live:reactions:${commentId}:changes`,
          String(REACTIONS_INTERVAL_MS),
          change === null ? '' : String(change.number),
          String(CHANGES_TTL_MS),
        )) as [number, number, number];
        return answer(verdict, waitMs, { source: 'redis', number });
      } catch {
        countRedisFallback('live');
      }
    }
    return this.attemptLocally(commentId, change);
  }

  private attemptLocally(commentId: string, change: ReactionChange | null): GateAnswer {
    const now = Date.now();
    let gate = this.local.get(commentId);
    if (!gate) {
      gate = { changes: 0, heldUntil: 0, covers: 0 };
      this.local.set(commentId, gate);
    }
    // A retry numbered by Redis (which has since failed) is treated as uncovered here.
    const number = change?.source === 'memory' ? change.number : ++gate.changes;
    if (gate.heldUntil <= now) {
      gate.heldUntil = now + REACTIONS_INTERVAL_MS;
      gate.covers = gate.changes;
      this.forgetLater(commentId, gate);
      return { verdict: 'publish' };
    }
    if (gate.covers >= number) return { verdict: 'covered' };
    return { verdict: 'wait', waitMs: Math.max(1, gate.heldUntil - now), change: { source: 'memory', number } };
  }

  /**
   * Keeps memory bounded: a comment's entry goes once its gate is free. A retry
   * still waiting then is safe: any publish that takes the gate after a change
   * was numbered read the count after it.
   */
  private forgetLater(commentId: string, gate: LocalGate): void {
    setTimeout(() => {
      if (this.local.get(commentId) === gate && gate.heldUntil <= Date.now()) this.local.delete(commentId);
    }, REACTIONS_INTERVAL_MS + 1).unref();
  }
}

function answer(verdict: number, waitMs: number, change: ReactionChange): GateAnswer {
  if (verdict === 1) return { verdict: 'publish' };
  if (verdict === 2) return { verdict: 'covered' };
  return { verdict: 'wait', waitMs, change };
}

/** The later of two changes a retry must cover (the newer source wins when they differ). */
export function laterChange(pending: ReactionChange, next: ReactionChange): ReactionChange {
  if (pending.source !== next.source) return next;
  return pending.number >= next.number ? pending : next;
}
