import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Page } from '../common/pagination/cursor';
import { PageOf } from '../common/pagination/page.dto';
import { InboxQueryDto, MarkReadDto } from './dto/notification.dto';
import { NotificationView } from './dto/notification.views';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('me/notifications')
@Auth()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'The reader\'s notifications, newest first; `?unread=true` for unread ones only' })
  @ApiOkResponse({ type: PageOf(NotificationView) })
  inbox(@CurrentUser() user: AuthenticatedUser, @Query() query: InboxQueryDto): Promise<Page<NotificationView>> {
    return this.notifications.inbox(user, query);
  }

  @Post('read')
  @Write()
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark notifications read: `{ids}` (one\'s own) or `{all: true}`' })
  @ApiNoContentResponse()
  markRead(@CurrentUser() user: AuthenticatedUser, @Body() body: MarkReadDto): Promise<void> {
    return this.notifications.markRead(user.id, body);
  }
}
