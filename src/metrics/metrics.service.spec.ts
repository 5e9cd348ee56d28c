import { AppError } from '../common/errors/app-error';
import { loadConfig } from '../config/app-config';
import { AppMetrics } from './app-metrics';
import { MetricsService } from './metrics.service';

// No e-mail: production needs SMTP_URL or MAIL_DISABLED, and these specs are about the metrics endpoint alone.
const base = { JWT_SECRET: 'x'.repeat(32), MAIL_DISABLED: 'true' };
const rendered = { render: async () => 'http_requests_total 1\n' } as unknown as AppMetrics;

async function codeOf(scrape: Promise<string>): Promise<string> {
  try {
    await scrape;
    return 'answered';
  } catch (error) {
    return (error as AppError).code;
  }
}

describe('MetricsService', () => {
  it('hides the endpoint in production when no token is configured', async () => {
    const service = new MetricsService(loadConfig({ ...base, NODE_ENV: 'production' }), rendered);
    expect(await codeOf(service.scrape(undefined))).toBe('NOT_FOUND');
  });

  it('is open outside production when no token is configured', async () => {
    const service = new MetricsService(loadConfig(base), rendered);
    expect(await codeOf(service.scrape(undefined))).toBe('answered');
  });

  it('needs the bearer token in production once one is configured', async () => {
    const service = new MetricsService(loadConfig({ ...base, NODE_ENV: 'production', METRICS_TOKEN: 't'.repeat(20) }), rendered);
    expect(await codeOf(service.scrape(undefined))).toBe('UNAUTHENTICATED');
    expect(await codeOf(service.scrape(`Bearer ${'t'.repeat(19)}`))).toBe('UNAUTHENTICATED');
    expect(await codeOf(service.scrape(`Bearer ${'t'.repeat(20)}`))).toBe('answered');
  });
});
