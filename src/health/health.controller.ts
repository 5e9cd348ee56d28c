import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/auth.decorators';
import { AppError } from '../common/errors/app-error';
import { SkipThrottle } from '@nestjs/throttler';
import { EmbeddedDatabaseStatus } from '../database/embedded-database-status';

class HealthView {
  @ApiProperty({ example: 'ok' }) status: string;
}

@ApiTags('health')
@Controller('health')
@Public()
@SkipThrottle()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly embeddedDatabase: EmbeddedDatabaseStatus,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: 200 while the process lives' })
  @ApiOkResponse({ type: HealthView })
  live(): HealthView {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when the database answers, else 503' })
  @ApiOkResponse({ type: HealthView })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  async ready(): Promise<HealthView> {
    const embeddedProblem = this.embeddedDatabase.problem();
    if (embeddedProblem) throw new AppError('SERVICE_UNAVAILABLE', embeddedProblem);
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
      ]);
      return { status: 'ok' };
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer');
    }
  }
}
