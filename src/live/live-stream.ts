import type { ServerResponse } from 'node:http';
import { HEARTBEAT_FRAME, LiveFrame } from './live-events';

/**
 * A write that finds the socket full only queues: writes of one tick all count
 * as unsent until the next, so a burst says nothing about the client. A client
 * is slow when the socket has not drained for this long while live frames wait.
 */
export const STALL_MS = 1_000;
/** However fast a client was a moment ago, this many times the bound waiting is too much to hold. */
const HARD_LIMIT_FACTOR = 16;

export type StreamEnd = 'client' | 'slow' | 'shutdown';

export interface LiveStreamOptions {
  /** Bytes that may wait in the response for a client that does not read, before it is dropped. */
  maxBufferedBytes: number;
  /** Authors whose comments this stream leaves out (its reader's ignores). */
  ignoredAuthorIds?: ReadonlySet<string>;
  onEnd: (stream: LiveStream, why: StreamEnd) => void;
  onDelivered: (frame: LiveFrame) => void;
}

/**
 * One Server-Sent Events response, written on the raw socket. A frame goes
 * straight into the response while the client keeps up. When the socket
 * pushes back, frames wait in a short queue of references (the strings are the
 * ring buffer's, shared by every stream) until it drains; a client whose
 * waiting live bytes pass the bound is dropped (its EventSource reconnects
 * with Last-Event-ID and resumes from the ring buffer) instead of making the
 * server hold an ever-growing backlog for it. A resumption's replay waits in
 * the same queue without counting against the bound, so a client that
 * reconnects after a burst gets the burst at its own pace.
 */
export class LiveStream {
  private ended = false;
  private readonly waiting: { text: string; counted: boolean }[] = [];
  private waitingLiveBytes = 0;
  private draining = false;
  /** Since when frames have waited for the socket to drain; null while nothing waits. */
  private blockedSince: number | null = null;

  constructor(
    readonly response: ServerResponse,
    readonly clientAddress: string,
    private readonly options: LiveStreamOptions,
  ) {
    // The client went away (or the socket failed): nothing more to write.
    response.once('close', () => this.finish('client'));
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  send(frame: LiveFrame): void {
    if (frame.authorId !== null && this.options.ignoredAuthorIds?.has(frame.authorId)) return;
    if (this.write(frame.text)) this.options.onDelivered(frame);
  }

  /** What a resuming client missed: written as fast as it reads, however much it is. */
  replay(frames: LiveFrame[]): void {
    for (const frame of frames) {
      if (frame.authorId !== null && this.options.ignoredAuthorIds?.has(frame.authorId)) continue;
      this.enqueue(frame.text, false);
      this.options.onDelivered(frame);
    }
    this.flush();
  }

  heartbeat(): void {
    // A heartbeat only matters when nothing else is on its way; a stream stuck that long is slow.
    if (this.waiting.length === 0) this.write(HEARTBEAT_FRAME);
    else if (this.isStalled()) this.drop();
  }

  write(text: string): boolean {
    if (this.ended) return false;
    if (this.waiting.length === 0 && this.response.writableLength < this.options.maxBufferedBytes) {
      this.response.write(text);
      return true;
    }
    this.enqueue(text, true);
    if (this.isStalled() || this.waitingLiveBytes > this.options.maxBufferedBytes * HARD_LIMIT_FACTOR) {
      this.drop();
      return false;
    }
    this.flush();
    return true;
  }

  /** Ends the response cleanly (shutdown): the client reconnects, to another instance if this one is going. */
  end(): void {
    if (this.ended) return;
    this.finish('shutdown');
    this.response.end();
  }

  private isStalled(): boolean {
    return this.waitingLiveBytes > this.options.maxBufferedBytes && this.blockedSince !== null && Date.now() - this.blockedSince >= STALL_MS;
  }

  private enqueue(text: string, counted: boolean): void {
    this.waiting.push({ text, counted });
    if (counted) this.waitingLiveBytes += text.length;
  }

  /** Hands waiting frames to the socket while it takes them; the rest wait for 'drain'. */
  private flush(): void {
    if (this.ended) return;
    let sent = 0;
    while (sent < this.waiting.length && this.response.writableLength < this.options.maxBufferedBytes) {
      const next = this.waiting[sent];
      sent += 1;
      if (next.counted) this.waitingLiveBytes -= next.text.length;
      this.response.write(next.text);
    }
    this.waiting.splice(0, sent);
    if (this.waiting.length === 0) this.blockedSince = null;
    else if (this.blockedSince === null) this.blockedSince = Date.now();
    if (this.waiting.length > 0 && !this.draining) {
      this.draining = true;
      this.response.once('drain', () => {
        this.draining = false;
        this.flush();
      });
    }
  }

  private drop(): void {
    this.waiting.length = 0;
    this.finish('slow');
    // Destroying (not ending) frees what is buffered for the client at once.
    this.response.destroy();
  }

  private finish(why: StreamEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.options.onEnd(this, why);
  }
}
