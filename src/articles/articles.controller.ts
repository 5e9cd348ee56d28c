import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SharedWhenAnonymous } from '../common/cache/shared-http-cache.interceptor';
import { Auth, Public, ReadOnly, Write } from '../common/auth/auth.decorators';
import { Upserted, UpsertStatus } from '../common/http/upserted';
import { ArticlesService } from './articles.service';
import { ArticleCountsDto, ArticleCountsView, ArticleView, UpsertArticleDto } from './dto/article.dto';
import { ReplicaTolerant } from '../database/replica-tolerant';

@ApiTags('articles')
@Controller('articles')
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Put(':articleId')
  @Write()
  @Auth({ roles: ['admin'], cms: true })
  @ApiOperation({ summary: 'Register or update an article (admin token or the CMS API key); 201 when new, 200 when updated' })
  @ApiOkResponse({ type: ArticleView })
  @ApiCreatedResponse({ type: ArticleView })
  @UpsertStatus()
  upsert(@Param('articleId') articleId: string, @Body() body: UpsertArticleDto): Promise<Upserted<ArticleView>> {
    return this.articles.upsert(articleId, body);
  }

  @Get(':articleId')
  @Public()
  @ReplicaTolerant()
  @ApiOperation({ summary: 'An article with its comment count and whether comments are open' })
  @ApiOkResponse({ type: ArticleView })
  @SharedWhenAnonymous()
  get(@Param('articleId') articleId: string): Promise<ArticleView> {
    return this.articles.get(articleId);
  }

  @Post('counts')
  @ReadOnly()
  @Public()
  @ReplicaTolerant()
  @HttpCode(200)
  @ApiOperation({ summary: 'Comment counts of up to 100 articles, for listing pages (unknown ids count 0)' })
  @ApiOkResponse({ type: ArticleCountsView })
  async counts(@Body() body: ArticleCountsDto): Promise<ArticleCountsView> {
    return { counts: await this.articles.counts(body.ids) };
  }
}
