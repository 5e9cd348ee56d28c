import { EventId, LiveFrame } from './live-events';

/** What a reconnecting client gets before the live events: the frames it missed, or a reset. */
export type Resumption = { kind: 'replay'; frames: LiveFrame[] } | { kind: 'reset' };

export interface ChannelLimits {
  /** Frames older than this leave the buffer (the contract's 5 minutes). */
  windowMs: number;
  /** At most this many frames per channel, whatever their age (memory stays bounded on a hot story). */
  maxFrames: number;
}

/**
 * One channel on one instance: its open streams and a ring buffer of the
 * frames of the last few minutes, for `Last-Event-ID` resumption. The buffer
 * is in arrival order, which is the publishers' order (Redis numbers and
 * delivers each channel's events in one sequence).
 */
export class LiveChannel<S> {
  readonly streams = new Set<S>();
  private frames: LiveFrame[] = [];
  /** Start of the live part of `frames` (older ones were trimmed lazily). */
  private start = 0;
  /** The newest sequence number seen per epoch, kept after its frame has aged out. */
  private readonly latest = new Map<string, number>();
  /** When the last stream left; the channel is forgotten once its buffer has aged out too. */
  idleSince: number | null = null;

  constructor(private readonly limits: ChannelLimits) {}

  add(frame: LiveFrame): void {
    this.frames.push(frame);
    this.latest.set(frame.id.epoch, frame.id.seq);
    this.trim(frame.receivedAt);
  }

  /** Tells the channel the newest sequence of an epoch that it learnt without receiving the frame (from Redis). */
  knowLatest(id: EventId): void {
    if ((this.latest.get(id.epoch) ?? -1) < id.seq) this.latest.set(id.epoch, id.seq);
  }

  latestOf(epoch: string): number | undefined {
    return this.latest.get(epoch);
  }

  /**
   * What a client that saw `lastId` missed: every later frame when the buffer
   * still holds the one after it (or that very one), nothing when `lastId` is
   * the newest, and a reset when the gap is older than the buffer.
   */
  resume(lastId: EventId, now: number): Resumption {
    this.trim(now);
    const live = this.frames.slice(this.start);
    const seen = live.findIndex((frame) => frame.id.epoch === lastId.epoch && frame.id.seq === lastId.seq);
    if (seen >= 0) return { kind: 'replay', frames: live.slice(seen + 1) };
    const next = live.findIndex((frame) => frame.id.epoch === lastId.epoch && frame.id.seq === lastId.seq + 1);
    if (next >= 0) return { kind: 'replay', frames: live.slice(next) };
    const newest = this.latest.get(lastId.epoch);
    const isNewest = newest === lastId.seq && !live.some((frame) => frame.id.epoch !== lastId.epoch);
    return isNewest ? { kind: 'replay', frames: [] } : { kind: 'reset' };
  }

  /** Drops what the gap before the first buffered frame made unreliable (a Redis reconnection lost messages). */
  forget(): void {
    this.frames = [];
    this.start = 0;
    this.latest.clear();
  }

  private trim(now: number): void {
    const oldest = now - this.limits.windowMs;
    while (this.start < this.frames.length && (this.frames[this.start].receivedAt < oldest || this.frames.length - this.start > this.limits.maxFrames)) {
      this.start += 1;
    }
    // Compact once the dead prefix is as long as the live part: amortised O(1) per frame.
    if (this.start > 64 && this.start * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.start);
      this.start = 0;
    }
  }
}
