import { Body, Controller, Param, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArticleView } from '../articles/dto/article.dto';
import { Auth, CurrentUser, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { ArticleModerationService } from './article-moderation.service';
import { SetCommentsOpenDto } from './dto/sanctions.dto';

@ApiTags('moderation')
@Controller('admin/articles')
export class AdminArticlesController {
  constructor(private readonly articles: ArticleModerationService) {}

  @Patch(':articleId')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @ApiOperation({ summary: 'Open or close an article\'s comments' })
  @ApiOkResponse({ type: ArticleView })
  setCommentsOpen(@CurrentUser() actor: AuthenticatedUser, @Param('articleId') articleId: string, @Body() body: SetCommentsOpenDto): Promise<ArticleView> {
    return this.articles.setCommentsOpen(actor, articleId, body.commentsOpen, body.reason ?? null);
  }
}
