import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/auth.decorators';
import { serviceUnavailable } from '../common/errors/database-unavailable';
import { InjectRedis, OptionalRedis } from '../common/redis/redis.module';
import { SkipThrottle } from '@nestjs/throttler';
import { EmbeddedDatabaseStatus } from '../database/embedded-database-status';
import { ReplicaReads, ReplicaState } from '../database/replica-reads';

const CHECK_TIMEOUT_MS = 2_000;

class ReplicaStatusView {
  @ApiProperty({ example: 'replica-1', description: 'The replica\'s place in DATABASE_REPLICA_URLS' }) name: string;
  @ApiProperty({ enum: ['in-use', 'lagging', 'down'], description: 'lagging: further behind than REPLICA_MAX_LAG_SECONDS, so it takes no reads' })
  state: ReplicaState;
  @ApiProperty({ type: Number, nullable: true, example: 0, description: 'Seconds of primary writes not yet replayed; null while it does not answer' })
  lagSeconds: number | null;
}

class HealthView {
  @ApiProperty({ example: 'ok', enum: ['ok', 'degraded'] }) status: 'ok' | 'degraded';
  @ApiPropertyOptional({ enum: ['up', 'down'], description: 'Only with REDIS_URL: down means this instance runs on per-instance limits and cache' })
  redis?: 'up' | 'down';
  @ApiPropertyOptional({
    type: [ReplicaStatusView],
    description: 'Only with DATABASE_REPLICA_URLS: each replica\'s lag; reads fall back to the primary, so a replica never makes this a 503',
  })
  replicas?: ReplicaStatusView[];
}

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref()),
  ]);
}

@ApiTags('health')
@Controller('health')
@Public()
@SkipThrottle()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRedis() private readonly redis: OptionalRedis,
    private readonly embeddedDatabase: EmbeddedDatabaseStatus,
    private readonly replicaReads: ReplicaReads,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: 200 while the process lives' })
  @ApiOkResponse({ type: HealthView })
  live(): HealthView {
    return { status: 'ok' };
  }

  /**
   * Without the database nothing works: 503. Without Redis this instance still
   * serves everything from its own memory, so it stays in the load balancer
   * (200 "degraded"): a shared Redis outage must not take every instance out at once.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when the database answers (status "degraded" while Redis is down), else 503' })
  @ApiOkResponse({ type: HealthView })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  async ready(): Promise<HealthView> {
    const embeddedProblem = this.embeddedDatabase.problem();
    if (embeddedProblem) throw serviceUnavailable(embeddedProblem);
    try {
      await withinTimeout(this.dataSource.query('SELECT 1'));
    } catch {
      throw serviceUnavailable('The database does not answer');
    }
    const replicas = this.replicaReads.configured ? { replicas: this.replicaReads.status() } : {};
    if (!this.redis) return { status: 'ok', ...replicas };
    return (await this.redisAnswers()) ? { status: 'ok', redis: 'up', ...replicas } : { status: 'degraded', redis: 'down', ...replicas };
  }

  private async redisAnswers(): Promise<boolean> {
    if (!this.redis || this.redis.status !== 'ready') return false;
    try {
      return (await withinTimeout(this.redis.ping())) === 'PONG';
    } catch {
      return false;
    }
  }
}
