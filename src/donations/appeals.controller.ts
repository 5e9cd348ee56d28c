import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Public, Write } from '../common/auth/auth.decorators';
import { Upserted, UpsertStatus } from '../common/http/upserted';
import { AppealsService } from './appeals.service';
import { AdminAppealView, AppealView, UpsertAppealDto } from './dto/appeal.dto';

@ApiTags('donations')
@Controller()
export class AppealsController {
  constructor(private readonly appeals: AppealsService) {}

  @Get('articles/:articleId/appeal')
  @Public()
  @ApiOperation({ summary: "The support appeal under an article: its own active one, else the site-wide default" })
  @ApiOkResponse({ type: AppealView })
  forArticle(@Param('articleId') articleId: string): Promise<AppealView> {
    return this.appeals.forArticle(articleId);
  }

  @Put('admin/appeals/:id')
  @Write()
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'Create or replace an appeal (`default` is the site-wide one); 201 when new, 200 when updated' })
  @ApiOkResponse({ type: AdminAppealView })
  @ApiCreatedResponse({ type: AdminAppealView })
  @UpsertStatus()
  upsert(@Param('id') id: string, @Body() body: UpsertAppealDto): Promise<Upserted<AdminAppealView>> {
    return this.appeals.upsert(id, body);
  }
}
