import { Counter, register } from 'prom-client';

// On prom-client's default registry, once per process however many apps it starts (tests start several).
function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const liveEventsPublished = singleton(
  'margin_live_events_published_total',
  () =>
    new Counter({
      name: 'margin_live_events_published_total',
      help: 'Live events this instance published (after the write they follow committed), by event',
      labelNames: ['event'] as const,
    }),
);

export const liveEventsDelivered = singleton(
  'margin_live_events_delivered_total',
  () =>
    new Counter({
      name: 'margin_live_events_delivered_total',
      help: 'Live events written to open streams on this instance (one per stream), by event',
      labelNames: ['event'] as const,
    }),
);

export const liveStreamsDropped = singleton(
  'margin_live_streams_dropped_total',
  () =>
    new Counter({
      name: 'margin_live_streams_dropped_total',
      help: 'Live streams this instance ended itself: slow (the client stopped reading), shutdown',
      labelNames: ['reason'] as const,
    }),
);

export const liveStreamsRefused = singleton(
  'margin_live_streams_refused_total',
  () =>
    new Counter({
      name: 'margin_live_streams_refused_total',
      help: 'Live streams refused because their client address already held LIVE_MAX_STREAMS_PER_CLIENT',
    }),
);
