import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { InjectRedis, OptionalRedis } from '../common/redis/redis.module';
import { countRedisFallback } from '../common/redis/redis.metrics';
import { EventId, LiveMessage, REDIS_EPOCH } from './live-events';

const KEY_PREFIX = 'margin:live:';
/** A channel's counter outlives its last event by a day; an id older than that is answered with a reset anyway. */
const SEQUENCE_TTL_MS = 24 * 3_600_000;

/**
 * Numbers and publishes in one step, so the order of the numbers is the order
 * in which every subscriber receives the messages, whichever instance sent them.
 */
const PUBLISH_SCRIPT = `
local seq = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', KEYS[2], seq .. '\\n' .. ARGV[1])
return seq`;

export type Delivery = (channel: string, id: EventId, message: LiveMessage) => void;

/**
 * How events get from the instance that took a write to every instance with
 * streams on the channel. With REDIS_URL: Redis pub/sub, one Redis channel per
 * live channel, subscribed only while this instance has (or recently had)
 * streams on it, so an article nobody watches costs nothing here; ids come
 * from a Redis counter per channel. Without Redis, or while it is down: this
 * process only, numbered by the process (streams elsewhere miss those events
 * and are told to reset when they resume across the gap).
 */
@Injectable()
export class LiveBus implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveBus');
  /** This process's epoch for the ids it numbers itself. */
  readonly localEpoch = randomBytes(4).toString('hex');
  private readonly localSequences = new Map<string, number>();
  private subscriber: Redis | null = null;
  private readonly subscribed = new Set<string>();
  private delivery: Delivery = () => undefined;
  private onGap: () => void = () => undefined;
  private subscriberWasReady = false;

  constructor(@InjectRedis() private readonly redis: OptionalRedis) {}

  /** Where received messages go, and what to do when messages may have been lost (Redis reconnected). */
  connect(delivery: Delivery, onGap: () => void): void {
    this.delivery = delivery;
    this.onGap = onGap;
    if (this.redis) this.subscriber = this.openSubscriber(this.redis);
  }

  /** Whether any instance may have a stream on the channel; false means the event need not even be built. */
  async hasAudience(channel: string, locally: boolean): Promise<boolean> {
    if (locally) return true;
    if (!this.isRedisReady()) return false;
    try {
      const reply = (await this.redis!.call('PUBSUB', 'NUMSUB', KEY_PREFIX + channel)) as [string, number | string];
      return Number(reply[1]) > 0;
    } catch {
      countRedisFallback('live');
      return false;
    }
  }

  async publish(channel: string, message: LiveMessage): Promise<void> {
    const payload = JSON.stringify(message);
    if (this.isRedisReady() && this.subscriber?.status === 'ready') {
      try {
        await this.redis!.eval(PUBLISH_SCRIPT, 2, `${KEY_PREFIX}seq:${channel}`, KEY_PREFIX + channel, payload, SEQUENCE_TTL_MS);
        return;
      } catch (error) {
        this.logger.warn(`Live event not published through Redis (${(error as Error).message}): delivered on this instance only`);
        countRedisFallback('live');
      }
    } else if (this.redis) {
      countRedisFallback('live');
    }
    const seq = (this.localSequences.get(channel) ?? 0) + 1;
    this.localSequences.set(channel, seq);
    this.delivery(channel, { epoch: this.localEpoch, seq }, message);
  }

  /** The newest id Redis has given on a channel (for a stream resuming on an instance that was not listening). */
  async latestRedisId(channel: string): Promise<EventId | null> {
    if (!this.isRedisReady()) return null;
    try {
      const value = await this.redis!.get(`${KEY_PREFIX}seq:${channel}`);
      return { epoch: REDIS_EPOCH, seq: value === null ? 0 : Number(value) };
    } catch {
      return null;
    }
  }

  async subscribe(channel: string): Promise<void> {
    this.subscribed.add(channel);
    if (this.subscriber?.status !== 'ready') return;
    try {
      await this.subscriber.subscribe(KEY_PREFIX + channel);
    } catch {
      // Subscribed again on reconnection (see openSubscriber).
    }
  }

  unsubscribe(channel: string): void {
    this.subscribed.delete(channel);
    if (this.subscriber?.status === 'ready') this.subscriber.unsubscribe(KEY_PREFIX + channel).catch(() => undefined);
  }

  /** Whether published events reach other instances now (Redis mode and Redis ready). */
  isShared(): boolean {
    return this.isRedisReady() && this.subscriber?.status === 'ready';
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) {
      subscriber.removeAllListeners('close');
      await subscriber.quit().catch(() => undefined);
      subscriber.disconnect();
    }
  }

  private isRedisReady(): boolean {
    return this.redis !== null && this.redis.status === 'ready';
  }

  private openSubscriber(redis: Redis): Redis {
    // Commands of a subscribed connection are its own; the shared client keeps serving the rest.
    const subscriber = redis.duplicate({ autoResubscribe: false, enableOfflineQueue: false, lazyConnect: false });
    subscriber.on('error', () => undefined); // outages are reported once by the shared client's watcher
    subscriber.on('message', (redisChannel: string, text: string) => this.receive(redisChannel, text));
    subscriber.on('ready', () => {
      const channels = [...this.subscribed].map((channel) => KEY_PREFIX + channel);
      if (channels.length > 0) subscriber.subscribe(...channels).catch(() => undefined);
      // Messages published while we were away are lost: streams are told to reload.
      if (this.subscriberWasReady) this.onGap();
      this.subscriberWasReady = true;
    });
    return subscriber;
  }

  private receive(redisChannel: string, text: string): void {
    const newline = text.indexOf('\n');
    if (!redisChannel.startsWith(KEY_PREFIX) || newline < 0) return;
    try {
      const message = JSON.parse(text.slice(newline + 1)) as LiveMessage;
      this.delivery(redisChannel.slice(KEY_PREFIX.length), { epoch: REDIS_EPOCH, seq: Number(text.slice(0, newline)) }, message);
    } catch (error) {
      this.logger.warn(`A live message could not be read: ${(error as Error).message}`);
    }
  }
}
