import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorators';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { Page } from '../common/pagination/cursor';
import { PageOf } from '../common/pagination/page.dto';
import { AuditLogService } from './audit-log.service';
import { AuditEntryView } from './dto/audit-log.views';

const AuditEntryPage = PageOf(AuditEntryView);

@ApiTags('moderation')
@Controller('admin/audit-log')
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'Every moderation action, newest first' })
  @ApiOkResponse({ type: AuditEntryPage })
  page(@Query() query: PageQueryDto): Promise<Page<AuditEntryView>> {
    return this.auditLog.page(query.limit, query.cursor);
  }
}
