import { Controller, Delete, Get, HttpCode, Param, Put, Query, UseInterceptors } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser, Public, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { SerializedPage } from '../common/cache/serialized-page';
import { SerializedPageInterceptor } from '../common/cache/serialized-page.interceptor';
import { Page } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { PageOf } from '../common/pagination/page.dto';
import { CommentView } from '../comments/dto/comment.views';
import { ProfileView } from '../users/dto/user.views';
import { UserIdParams } from './dto/user-id.params';
import { FeedService } from './feed.service';
import { FollowsService } from './follows.service';

@ApiTags('follows')
@Controller()
export class FollowsController {
  constructor(
    private readonly follows: FollowsService,
    private readonly feed: FeedService,
  ) {}

  @Put('users/:id/follow')
  @Write()
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Follow a reader (idempotent); 400 FOLLOW_SELF, 404 USER_NOT_FOUND' })
  @ApiNoContentResponse()
  follow(@CurrentUser() user: AuthenticatedUser, @Param() params: UserIdParams): Promise<void> {
    return this.follows.follow(user.id, params.id);
  }

  @Delete('users/:id/follow')
  @Write()
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop following a reader (idempotent); 404 USER_NOT_FOUND' })
  @ApiNoContentResponse()
  unfollow(@CurrentUser() user: AuthenticatedUser, @Param() params: UserIdParams): Promise<void> {
    return this.follows.unfollow(user.id, params.id);
  }

  @Get('users/:id/followers')
  @Public()
  @ApiOperation({ summary: 'Readers following this reader, newest follow first' })
  @ApiOkResponse({ type: PageOf(ProfileView) })
  followers(@Param() params: UserIdParams, @Query() query: PageQueryDto): Promise<Page<ProfileView>> {
    return this.follows.followers(params.id, query);
  }

  @Get('users/:id/following')
  @Public()
  @ApiOperation({ summary: 'Readers this reader follows, newest follow first' })
  @ApiOkResponse({ type: PageOf(ProfileView) })
  following(@Param() params: UserIdParams, @Query() query: PageQueryDto): Promise<Page<ProfileView>> {
    return this.follows.following(params.id, query);
  }

  @Get('me/feed')
  @Auth()
  @ApiOperation({ summary: 'Visible comments by the readers the viewer follows (ignored ones left out), newest first' })
  @ApiOkResponse({ type: PageOf(CommentView) })
  @UseInterceptors(SerializedPageInterceptor)
  feedOf(@CurrentUser() user: AuthenticatedUser, @Query() query: PageQueryDto): Promise<Page<CommentView> | SerializedPage> {
    return this.feed.feedOf(user, query);
  }
}
