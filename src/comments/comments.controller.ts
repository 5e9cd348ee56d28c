import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser, Public, Viewer, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { SerializedPage } from '../common/cache/serialized-page';
import { SharedWhenAnonymous } from '../common/cache/shared-http-cache.interceptor';
import { Page } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { PageOf } from '../common/pagination/page.dto';
import { RateLimit } from '../common/rate-limit/rate-limit.decorators';
import { CommentFeedbackService } from './comment-feedback.service';
import { CommentsService } from './comments.service';
import { ThreadPageCacheInterceptor } from './thread-page-cache.interceptor';
import { RepliesPageCacheInterceptor } from './replies-page-cache.interceptor';
import { CreateCommentDto, ReportCommentDto, ThreadQueryDto, UpdateCommentDto } from './dto/comment.dto';
import { CommentView, CommentWithContextView, PickView, ThreadCommentView } from './dto/comment.views';
import { ReplicaTolerant } from '../database/replica-tolerant';

@ApiTags('comments')
@Controller()
export class CommentsController {
  constructor(
    private readonly comments: CommentsService,
    private readonly feedback: CommentFeedbackService,
  ) {}

  @Get('articles/:articleId/comments')
  @Public()
  @ReplicaTolerant()
  @ApiOperation({ summary: 'A page of top-level comments, each with its first 3 descendants (oldest first); ignored readers left out' })
  @ApiOkResponse({ type: PageOf(ThreadCommentView) })
  @UseInterceptors(ThreadPageCacheInterceptor)
  listThread(@Param('articleId') articleId: string, @Query() query: ThreadQueryDto, @Viewer() viewer?: AuthenticatedUser): Promise<Page<ThreadCommentView> | SerializedPage> {
    return this.comments.listThread(articleId, query, viewer);
  }

  @Get('articles/:articleId/picks')
  @Public()
  @ApiOperation({ summary: "The article's picks: featured comments (top-level or replies) that are visible, the most recently featured first; the first page is cached like the thread's" })
  @ApiOkResponse({ type: PageOf(PickView) })
  @SharedWhenAnonymous()
  listPicks(@Param('articleId') articleId: string, @Query() query: PageQueryDto, @Viewer() viewer?: AuthenticatedUser): Promise<Page<PickView> | SerializedPage> {
    return this.comments.listPicks(articleId, query, viewer);
  }

  @Post('articles/:articleId/comments')
  @Write()
  @Auth()
  @RateLimit('comment')
  @ApiOperation({ summary: 'Post a top-level comment or a reply at any depth (rate limited per reader)' })
  @ApiCreatedResponse({ type: CommentView })
  post(@Param('articleId') articleId: string, @Body() body: CreateCommentDto, @CurrentUser() user: AuthenticatedUser): Promise<CommentView> {
    return this.comments.post(articleId, body, user);
  }

  @Get('comments/:id')
  @Public()
  @ApiOperation({ summary: 'One comment, with the cursor of the oldest-first page that starts with it (deep links)' })
  @ApiOkResponse({ type: CommentWithContextView })
  get(@Param('id') id: string, @Viewer() viewer?: AuthenticatedUser): Promise<CommentWithContextView> {
    return this.comments.getCommentWithContext(id, viewer);
  }

  @Get('comments/:id/replies')
  @Public()
  @ReplicaTolerant()
  @ApiOperation({ summary: 'All descendants of a top-level comment, oldest first, each naming what it answers' })
  @ApiOkResponse({ type: PageOf(CommentView) })
  @UseInterceptors(RepliesPageCacheInterceptor)
  listReplies(@Param('id') id: string, @Query() query: PageQueryDto, @Viewer() viewer?: AuthenticatedUser): Promise<Page<CommentView> | SerializedPage> {
    return this.comments.listReplies(id, query, viewer);
  }

  @Patch('comments/:id')
  @Write()
  @Auth()
  @ApiOperation({ summary: 'Edit one\'s comment within 10 minutes and before it is answered; the earlier body is kept' })
  @ApiOkResponse({ type: CommentView })
  edit(@Param('id') id: string, @Body() body: UpdateCommentDto, @CurrentUser() user: AuthenticatedUser): Promise<CommentView> {
    return this.comments.edit(id, body, user);
  }

  @Delete('comments/:id')
  @Write()
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'The author or a moderator deletes a comment; it stays as a tombstone' })
  @ApiNoContentResponse()
  delete(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.comments.delete(id, user);
  }

  @Put('comments/:id/reaction')
  @Write()
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Recommend a comment (idempotent; not one\'s own)' })
  @ApiNoContentResponse()
  react(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.feedback.recommend(id, user);
  }

  @Delete('comments/:id/reaction')
  @Write()
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw a recommendation (idempotent)' })
  @ApiNoContentResponse()
  unreact(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.feedback.withdrawRecommendation(id, user);
  }

  @Post('comments/:id/reports')
  @Write()
  @Auth()
  @HttpCode(202)
  @ApiOperation({ summary: 'Report a comment to the moderators; once per reader per comment' })
  @ApiAcceptedResponse()
  report(@Param('id') id: string, @Body() body: ReportCommentDto, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.feedback.report(id, body, user);
  }
}
