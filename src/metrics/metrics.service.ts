import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { AppMetrics } from './app-metrics';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may scrape: with METRICS_TOKEN set, only a bearer of it; without it, anyone outside
 * production, and nobody in production, where the endpoint answers 404 as if it did not
 * exist (an operator who forgot the token gets a clear signal, a stranger learns nothing).
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly config: AppConfig,
    private readonly metrics: AppMetrics,
  ) {}

  async scrape(authorization: string | undefined): Promise<string> {
    this.authorize(authorization);
    return this.metrics.render();
  }

  private authorize(authorization: string | undefined): void {
    const token = this.config.metricsToken;
    if (!token) {
      if (this.config.nodeEnv === 'production') throw new AppError('NOT_FOUND', 'No such resource');
      return;
    }
    const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    if (!given || !sameSecret(given, token)) {
      throw new AppError('UNAUTHENTICATED', 'A valid metrics token is required', undefined, { 'WWW-Authenticate': 'Bearer' });
    }
  }
}
