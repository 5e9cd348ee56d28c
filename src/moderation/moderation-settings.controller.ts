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
  @ApiOperation({ summary: 'Banned and suspect words, premoderation, close-after days and the external moderation hook (with its secret)' })
  @ApiOkResponse({ type: ModerationSettingsView })
  get(): Promise<ModerationSettingsView> {
    return this.settings.get();
  }

  @Put()
  @Write()
  @Auth({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Replace the moderation settings; new comments follow at once',
    description:
      'bannedWords and premoderateNewReaders are required; suspectWords, premoderateLinks, closeAfterDays and externalModeration keep their stored value when left out.',
  })
  @ApiOkResponse({ type: ModerationSettingsView })
  update(@CurrentUser() actor: AuthenticatedUser, @Body() body: ModerationSettingsDto): Promise<ModerationSettingsView> {
    return this.settings.update(actor.id, body);
  }
}
