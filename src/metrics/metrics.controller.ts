import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { register } from 'prom-client';
import { Public } from '../common/auth/auth.decorators';
import { MetricsService } from './metrics.service';

@ApiTags('health')
@Controller('metrics')
@Public()
@SkipThrottle()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', register.contentType)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics; needs the METRICS_TOKEN bearer when one is set, and one in production' })
  @ApiBearerAuth()
  @ApiProduces(register.contentType)
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  scrape(@Headers('authorization') authorization?: string): Promise<string> {
    return this.metrics.scrape(authorization);
  }
}
