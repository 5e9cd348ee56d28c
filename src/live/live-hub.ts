import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { AppError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { AppMetrics } from '../metrics/app-metrics';
import { LiveBus } from './live-bus';
import { LiveChannel } from './live-channel';
import { EventId, LiveFrame, LiveMessage, OPENING_FRAME, parseEventId, REDIS_EPOCH, RESET_FRAME, toFrame } from './live-events';
import { LiveStream, StreamEnd } from './live-stream';
import { liveEventsDelivered, liveStreamsDropped, liveStreamsRefused } from './live.metrics';

/** Frames per channel kept for resumption, whatever their age: a hot story's buffer stays bounded. */
const MAX_FRAMES_PER_CHANNEL = 2_000;
/** How often idle channels are looked at (and forgotten once their buffer has aged out). */
const SWEEP_INTERVAL_MS = 30_000;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  // nginx and others buffer responses unless told not to; a buffered stream is no stream.
  'x-accel-buffering': 'no',
} as const;

export interface OpenStream {
  channel: string;
  response: ServerResponse;
  /** Response headers set before the route ran (request id, security headers, CORS). */
  headers: Record<string, string | string[] | number | undefined>;
  clientAddress: string;
  lastEventId?: string;
  ignoredAuthorIds?: ReadonlySet<string>;
  /** Takes the response over from the framework (Fastify's reply.hijack), once nothing can refuse any more. */
  takeOver: () => void;
}

/**
 * This instance's open live streams: channels with their ring buffers, the
 * per-client cap, heartbeats, and the clean close on shutdown. An event for a
 * channel without streams here (and none in the last few minutes) is dropped
 * at the first map lookup.
 */
@Injectable()
export class LiveHub implements OnModuleInit, OnApplicationShutdown {
  private readonly channels = new Map<string, LiveChannel<LiveStream>>();
  private readonly streamsPerClient = new Map<string, number>();
  private heartbeat?: NodeJS.Timeout;
  private sweep?: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly bus: LiveBus,
    private readonly metrics: AppMetrics,
  ) {}

  onModuleInit(): void {
    this.bus.connect(
      (channel, id, message) => this.deliver(channel, id, message),
      () => this.resetAll(),
    );
    this.heartbeat = setInterval(() => this.beat(), this.config.live.heartbeatMs).unref();
    this.sweep = setInterval(() => this.forgetIdleChannels(), SWEEP_INTERVAL_MS).unref();
  }

  /** Whether this instance has a channel open (streams now, or a buffer kept for resumption). */
  isListening(channel: string): boolean {
    return this.channels.has(channel);
  }

  get openStreams(): number {
    let count = 0;
    for (const channel of this.channels.values()) count += channel.streams.size;
    return count;
  }

  /**
   * Refuses the stream when its client already holds the most it may
   * (429 TOO_MANY_STREAMS); call before the response is taken over, so the
   * refusal is an ordinary problem+json answer.
   */
  assertMayOpen(clientAddress: string): void {
    if (this.closing) throw new AppError('SERVICE_UNAVAILABLE', 'The instance is shutting down', undefined, { 'Retry-After': '1' });
    if ((this.streamsPerClient.get(clientAddress) ?? 0) >= this.config.live.maxStreamsPerClient) {
      liveStreamsRefused.inc();
      throw new AppError(
        'TOO_MANY_STREAMS',
        `At most ${this.config.live.maxStreamsPerClient} live streams may be open from one client address`,
        undefined,
        { 'Retry-After': '5' },
      );
    }
  }

  /** Writes the headers, what a resuming client missed (or a reset), and keeps the stream until it ends. */
  async open(request: OpenStream): Promise<void> {
    this.assertMayOpen(request.clientAddress);
    // Counted before the first await, so concurrent opens by one client cannot pass the cap together.
    this.countClient(request.clientAddress, 1);
    let channel: LiveChannel<LiveStream>;
    let resumeFrom: EventId | null;
    try {
      channel = await this.channelFor(request.channel);
      resumeFrom = parseEventId(request.lastEventId);
      if (resumeFrom) await this.learnLatest(request.channel, channel, resumeFrom);
    } catch (error) {
      this.countClient(request.clientAddress, -1);
      throw error;
    }
    if (request.response.destroyed || this.closing) {
      // The client left while we looked (or the instance began to close): nothing to stream to.
      this.countClient(request.clientAddress, -1);
      if (this.closing) throw new AppError('SERVICE_UNAVAILABLE', 'The instance is shutting down', undefined, { 'Retry-After': '1' });
      return;
    }
    request.takeOver();
    const stream = new LiveStream(request.response, request.clientAddress, {
      maxBufferedBytes: this.config.live.streamBufferBytes,
      ignoredAuthorIds: request.ignoredAuthorIds,
      onEnd: (ended, why) => this.detach(request.channel, ended, why),
      onDelivered: (frame) => liveEventsDelivered.inc({ event: frame.type }),
    });
    request.response.writeHead(200, { ...withoutBodyHeaders(request.headers), ...SSE_HEADERS });
    request.response.flushHeaders();
    channel.streams.add(stream);
    channel.idleSince = null;
    this.metrics.liveStreamConnections.inc();
    stream.write(OPENING_FRAME);
    if (request.lastEventId !== undefined) {
      const resumption = resumeFrom ? channel.resume(resumeFrom, Date.now()) : ({ kind: 'reset' } as const);
      if (resumption.kind === 'reset') stream.write(RESET_FRAME);
      else stream.replay(resumption.frames);
    }
  }

  /** Ends every stream (graceful shutdown): clients reconnect, to another instance when this one is going. */
  closeAll(): void {
    this.closing = true;
    for (const channel of this.channels.values()) {
      for (const stream of [...channel.streams]) stream.end();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.sweep);
    this.closeAll();
  }

  private deliver(channelName: string, id: EventId, message: LiveMessage): void {
    const channel = this.channels.get(channelName);
    if (!channel) return;
    const frame: LiveFrame = toFrame(id, message, Date.now());
    channel.add(frame);
    for (const stream of channel.streams) stream.send(frame);
  }

  /** Redis lost messages while reconnecting: every stream reloads, and no buffer pretends to be complete. */
  private resetAll(): void {
    for (const channel of this.channels.values()) {
      channel.forget();
      for (const stream of channel.streams) stream.write(RESET_FRAME);
    }
  }

  private async channelFor(name: string): Promise<LiveChannel<LiveStream>> {
    const existing = this.channels.get(name);
    if (existing) return existing;
    const channel = new LiveChannel<LiveStream>({ windowMs: this.config.live.replayWindowMs, maxFrames: MAX_FRAMES_PER_CHANNEL });
    channel.idleSince = Date.now();
    this.channels.set(name, channel);
    await this.bus.subscribe(name);
    return channel;
  }

  /** A channel this instance was not listening on learns from Redis where the sequence stands. */
  private async learnLatest(name: string, channel: LiveChannel<LiveStream>, resumeFrom: EventId): Promise<void> {
    if (resumeFrom.epoch !== REDIS_EPOCH || channel.latestOf(REDIS_EPOCH) !== undefined) return;
    const latest = await this.bus.latestRedisId(name);
    if (latest) channel.knowLatest(latest);
  }

  private detach(name: string, stream: LiveStream, why: StreamEnd): void {
    const channel = this.channels.get(name);
    if (!channel?.streams.delete(stream)) return;
    this.countClient(stream.clientAddress, -1);
    this.metrics.liveStreamConnections.dec();
    if (why !== 'client') liveStreamsDropped.inc({ reason: why });
    if (channel.streams.size === 0) channel.idleSince = Date.now();
  }

  private countClient(address: string, delta: 1 | -1): void {
    const count = (this.streamsPerClient.get(address) ?? 0) + delta;
    if (count > 0) this.streamsPerClient.set(address, count);
    else this.streamsPerClient.delete(address);
  }

  private beat(): void {
    for (const channel of this.channels.values()) {
      for (const stream of channel.streams) stream.heartbeat();
    }
  }

  /** A channel without streams stays (subscribed, buffering) for the replay window, so a quick reconnection resumes. */
  private forgetIdleChannels(): void {
    const now = Date.now();
    for (const [name, channel] of this.channels) {
      if (channel.streams.size > 0 || channel.idleSince === null) continue;
      // Whoever left before the window began resumes with a reset anyway.
      if (now - channel.idleSince < this.config.live.replayWindowMs) continue;
      this.channels.delete(name);
      this.bus.unsubscribe(name);
    }
  }
}

/** Headers set for an ordinary answer that must not reach a stream (a length, a body's type). */
function withoutBodyHeaders(headers: OpenStream['headers']): Record<string, string | string[] | number> {
  const kept: Record<string, string | string[] | number> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'content-length' || name === 'content-type') continue;
    kept[name] = value;
  }
  return kept;
}
