import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, Viewer } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Page } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { PageOf } from '../common/pagination/page.dto';
import { CommentsService } from './comments.service';
import { CommentView } from './dto/comment.views';

@ApiTags('users')
@Controller('users')
export class UserCommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get(':id/comments')
  @Public()
  @ApiOperation({ summary: 'A reader\'s visible comments, newest first' })
  @ApiOkResponse({ type: PageOf(CommentView) })
  list(@Param('id') id: string, @Query() query: PageQueryDto, @Viewer() viewer?: AuthenticatedUser): Promise<Page<CommentView>> {
    return this.comments.listByAuthor(id, query, viewer);
  }
}
