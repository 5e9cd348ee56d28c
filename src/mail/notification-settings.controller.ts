import { Body, Controller, Get, Header, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AllowSanctioned, Auth, CurrentUser, Public } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { StrictRateLimit } from '../common/rate-limit/rate-limit.decorators';
import { UnsubscribedView, UnsubscribeQueryDto } from './dto/account-mail.dto';
import { NotificationSettingsDto, NotificationSettingsView } from './dto/notification-settings.dto';
import { NotificationSettingsService } from './notification-settings.service';
import { unsubscribedPage } from './templates/unsubscribe.page';

@ApiTags('notifications')
@Controller()
export class NotificationSettingsController {
  constructor(private readonly settings: NotificationSettingsService) {}

  @Get('me/notification-settings')
  @Auth()
  @ApiOperation({ summary: 'Which activity e-mails the reader gets, and how they are batched' })
  @ApiOkResponse({ type: NotificationSettingsView })
  getSettings(@CurrentUser() user: AuthenticatedUser): Promise<NotificationSettingsView> {
    return this.settings.get(user.id);
  }

  @Put('me/notification-settings')
  @Auth()
  @AllowSanctioned()
  @ApiOperation({ summary: 'Choose activity e-mails (reply, featured, moderation, followedComment, follow) and the digest' })
  @ApiOkResponse({ type: NotificationSettingsView })
  putSettings(@CurrentUser() user: AuthenticatedUser, @Body() body: NotificationSettingsDto): Promise<NotificationSettingsView> {
    return this.settings.put(user.id, body);
  }

  @Post('email/unsubscribe')
  @Public()
  @AllowSanctioned()
  @StrictRateLimit()
  @HttpCode(200)
  @ApiOperation({ summary: 'One-click unsubscribe (RFC 8058): switches the e-mail\'s activity type off (a digest\'s link: all of them)' })
  @ApiOkResponse({ type: UnsubscribedView })
  unsubscribe(@Query() query: UnsubscribeQueryDto): Promise<UnsubscribedView> {
    return this.settings.unsubscribe(query.token);
  }

  @Get('email/unsubscribe')
  @Public()
  @StrictRateLimit()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The unsubscribe link opened in a browser: switches the type off and answers a short confirming page' })
  @ApiOkResponse({ description: 'A short HTML page; it shows nothing about the reader', content: { 'text/html': { schema: { type: 'string' } } } })
  async unsubscribePage(@Query() query: UnsubscribeQueryDto): Promise<string> {
    await this.settings.unsubscribe(query.token);
    return unsubscribedPage();
  }
}
