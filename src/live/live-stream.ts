import type { ServerResponse } from 'node:http';
import { HEARTBEAT_FRAME, LiveFrame } from './live-events';

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
 * One Server-Sent Events response, written on the raw socket. Nothing is ever
 * queued in memory of ours: a frame goes straight into the response, and a
 * client whose unread bytes pass the bound is dropped (its EventSource
 * reconnects with Last-Event-ID and resumes from the ring buffer) instead of
 * making the server hold an ever-growing backlog for it.
 */
export class LiveStream {
  private ended = false;

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

  heartbeat(): void {
    this.write(HEARTBEAT_FRAME);
  }

  write(text: string): boolean {
    if (this.ended) return false;
    if (this.response.writableLength + Buffer.byteLength(text) > this.options.maxBufferedBytes) {
      this.drop();
      return false;
    }
    this.response.write(text);
    return true;
  }

  /** Ends the response cleanly (shutdown): the client reconnects, to another instance if this one is going. */
  end(): void {
    if (this.ended) return;
    this.finish('shutdown');
    this.response.end();
  }

  private drop(): void {
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
