import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { ModerationSettingsDto, ModerationSettingsView } from './dto/moderation-settings.dto';
import { ModerationSettingsService } from './moderation-settings.service';

@ApiTags('moderation')
@Controller('admin/settings/moderation')
export class ModerationSettingsController {
  constructor(private readonly settings: ModerationSettingsService) {}

  @Get()
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'Banned words and premoderation' })
  @ApiOkResponse({ type: ModerationSettingsView })
  get(): Promise<ModerationSettingsView> {
    return this.settings.get();
  }

  @Put()
  @Write()
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'Replace the banned words and the premoderation flag; new comments follow at once' })
  @ApiOkResponse({ type: ModerationSettingsView })
  update(@CurrentUser() actor: AuthenticatedUser, @Body() body: ModerationSettingsDto): Promise<ModerationSettingsView> {
    return this.settings.update(actor.id, body);
  }
}
