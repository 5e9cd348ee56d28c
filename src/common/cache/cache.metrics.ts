import { Counter, Gauge, register } from 'prom-client';

// The default registry is per process, but a process may hold several apps (the
// e2e tests start two to share Redis), so each metric is made once and shared.
function counter(name: string, help: string): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help });
}

function gauge(name: string, help: string): Gauge {
  return (register.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help });
}

export const threadCacheMetrics = {
  hits: counter('margin_thread_cache_hits_total', 'Thread pages served from the cache while fresh'),
  misses: counter('margin_thread_cache_misses_total', 'Thread page reads that found no usable cached page'),
  staleServes: counter(
    'margin_thread_cache_stale_serves_total',
    'Thread pages served past their freshness, unchanged since, while one rebuild runs',
  ),
  coalescedWaits: counter(
    'margin_thread_cache_single_flight_waits_total',
    'Thread page reads that waited for a rebuild already under way instead of starting their own',
  ),
  rebuilds: counter('margin_thread_cache_rebuilds_total', 'Thread pages built from the database for the cache'),
  rebuildFailures: counter('margin_thread_cache_background_rebuild_failures_total', 'Background rebuilds that failed (the stale page stays)'),
  bypasses: counter(
    'margin_thread_cache_bypasses_total',
    'Thread page reads served uncached because the shared versions (Redis) did not answer',
  ),
  evictions: counter('margin_thread_cache_evictions_total', 'Thread pages pushed out of the cache by its byte budget'),
  bytes: gauge('margin_thread_cache_bytes', 'Bytes the thread cache holds (serialized pages, plus parsed copies, estimated)'),
  entries: gauge('margin_thread_cache_entries', 'Pages the thread cache holds'),
};
