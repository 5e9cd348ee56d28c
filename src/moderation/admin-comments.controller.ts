import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommentView } from '../comments/dto/comment.views';
import { Auth, CurrentUser, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Page } from '../common/pagination/cursor';
import { PageOf } from '../common/pagination/page.dto';
import { CommentModerationService } from './comment-moderation.service';
import { CommentHistoryView, HideCommentDto, QueueItemView, QueueQueryDto } from './dto/comment-moderation.dto';
import { ModerationQueueService } from './moderation-queue.service';
import { BulkModerationService } from './bulk-moderation.service';
import { BulkModerationDto, BulkModerationView } from './dto/bulk-moderation.dto';

const QueuePage = PageOf(QueueItemView);

@ApiTags('moderation')
@Controller('admin')
export class AdminCommentsController {
  constructor(
    private readonly moderation: CommentModerationService,
    private readonly queue: ModerationQueueService,
    private readonly bulkModeration: BulkModerationService,
  ) {}

  @Get('queue')
  @Auth({ roles: ['moderator', 'admin'] })
  @ApiOperation({ summary: 'The moderation queue: reported (most reported first, then oldest), pending (oldest first) or hidden (newest first)' })
  @ApiOkResponse({ type: QueuePage })
  queuePage(@CurrentUser() moderator: AuthenticatedUser, @Query() query: QueueQueryDto): Promise<Page<QueueItemView>> {
    return this.queue.page(moderator, query);
  }

  @Post('comments/:id/hide')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Hide a comment (a tombstone in its thread) and resolve its open reports; the author is notified' })
  @ApiOkResponse({ type: CommentView })
  hide(@CurrentUser() moderator: AuthenticatedUser, @Param('id') id: string, @Body() body: HideCommentDto): Promise<CommentView> {
    return this.moderation.hide(moderator, id, body.reason, body.note ?? null);
  }

  @Post('comments/:id/unhide')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Make a hidden comment visible again' })
  @ApiOkResponse({ type: CommentView })
  unhide(@CurrentUser() moderator: AuthenticatedUser, @Param('id') id: string): Promise<CommentView> {
    return this.moderation.unhide(moderator, id);
  }

  @Post('comments/:id/approve')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish a pending comment (the author is notified) and resolve its open reports; on a visible comment, dismiss its reports' })
  @ApiOkResponse({ type: CommentView })
  approve(@CurrentUser() moderator: AuthenticatedUser, @Param('id') id: string): Promise<CommentView> {
    return this.moderation.approve(moderator, id);
  }

  @Post('comments/:id/feature')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Feature a visible comment' })
  @ApiOkResponse({ type: CommentView })
  feature(@CurrentUser() moderator: AuthenticatedUser, @Param('id') id: string): Promise<CommentView> {
    return this.moderation.feature(moderator, id);
  }

  @Post('comments/:id/unfeature')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop featuring a comment' })
  @ApiOkResponse({ type: CommentView })
  unfeature(@CurrentUser() moderator: AuthenticatedUser, @Param('id') id: string): Promise<CommentView> {
    return this.moderation.unfeature(moderator, id);
  }

  @Post('comments/bulk')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Hide, unhide, approve or delete up to 100 comments, each exactly as its own endpoint would (one transaction per comment); one result per id, in order: its status now, or the problem code its endpoint would answer',
  })
  @ApiOkResponse({ type: BulkModerationView })
  bulk(@CurrentUser() moderator: AuthenticatedUser, @Body() body: BulkModerationDto): Promise<BulkModerationView> {
    return this.bulkModeration.apply(moderator, body);
  }

  @Get('comments/:id/history')
  @Auth({ roles: ['moderator', 'admin'] })
  @ApiOperation({ summary: 'Earlier bodies and every moderation action of one comment' })
  @ApiOkResponse({ type: CommentHistoryView })
  history(@CurrentUser() moderator: AuthenticatedUser, @Param('id') id: string): Promise<CommentHistoryView> {
    return this.moderation.history(moderator, id);
  }
}
