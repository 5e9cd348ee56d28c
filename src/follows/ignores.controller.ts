import { Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { Page } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { PageOf } from '../common/pagination/page.dto';
import { ProfileView } from '../users/dto/user.views';
import { IgnoredUserParams } from './dto/user-id.params';
import { IgnoresService } from './ignores.service';

@ApiTags('ignores')
@Controller('me/ignores')
@Auth()
export class IgnoresController {
  constructor(private readonly ignores: IgnoresService) {}

  @Put(':userId')
  @Write()
  @HttpCode(204)
  @ApiOperation({ summary: 'Ignore a reader (idempotent, never told to them); 400 IGNORE_SELF, 404 USER_NOT_FOUND' })
  @ApiNoContentResponse()
  ignore(@CurrentUser() user: AuthenticatedUser, @Param() params: IgnoredUserParams): Promise<void> {
    return this.ignores.ignore(user.id, params.userId);
  }

  @Delete(':userId')
  @Write()
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop ignoring a reader (idempotent); 404 USER_NOT_FOUND' })
  @ApiNoContentResponse()
  unignore(@CurrentUser() user: AuthenticatedUser, @Param() params: IgnoredUserParams): Promise<void> {
    return this.ignores.unignore(user.id, params.userId);
  }

  @Get()
  @ApiOperation({ summary: 'Readers the viewer ignores, most recently ignored first' })
  @ApiOkResponse({ type: PageOf(ProfileView) })
  ignored(@CurrentUser() user: AuthenticatedUser, @Query() query: PageQueryDto): Promise<Page<ProfileView>> {
    return this.ignores.ignored(user.id, query);
  }
}
