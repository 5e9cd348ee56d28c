import { Counter, register } from 'prom-client';

// Shared by every app in the process (the e2e tests run several), like the thread cache's metrics.
function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

export const ssoMetrics = {
  jwksFetches: counter('margin_sso_jwks_fetches_total', 'Fetches of the newsroom key set (SSO_JWKS_URL), by outcome (ok, failed)', ['outcome']),
  exchanges: counter(
    'margin_sso_exchanges_total',
    'Newsroom token exchanges, by outcome (signed_in, invalid, keys_unavailable, email_taken, not_configured)',
    ['outcome'],
  ),
};
