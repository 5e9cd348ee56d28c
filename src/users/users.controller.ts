import { Body, Controller, Delete, Get, HttpCode, Param, Patch } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SharedWhenAnonymous } from '../common/cache/shared-http-cache.interceptor';
import { AllowSanctioned, Auth, CurrentUser, Public, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { DeleteMeDto, UpdateMeDto } from './dto/update-me.dto';
import { ProfileView, UserView } from './dto/user.views';
import { UsersService } from './users.service';
import { ReplicaTolerant } from '../database/replica-tolerant';

@ApiTags('users')
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The signed-in reader, with email, supporter status and unread notifications' })
  @ApiOkResponse({ type: UserView })
  getMe(@CurrentUser() user: AuthenticatedUser): Promise<UserView> {
    return this.users.getMe(user.id);
  }

  @Patch('me')
  @Write()
  @Auth()
  @ApiOperation({ summary: 'Change display name or bio' })
  @ApiOkResponse({ type: UserView })
  updateMe(@CurrentUser() user: AuthenticatedUser, @Body() body: UpdateMeDto): Promise<UserView> {
    return this.users.updateMe(user.id, body);
  }

  @Delete('me')
  @Auth()
  @AllowSanctioned()
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase the account: identity and sessions go; comments stay as authorless tombstones' })
  @ApiNoContentResponse()
  deleteMe(@CurrentUser() user: AuthenticatedUser, @Body() body: DeleteMeDto): Promise<void> {
    return this.users.eraseAccount(user.id, body);
  }

  @Get('users/:id')
  @Public()
  @ReplicaTolerant()
  @ApiOperation({ summary: 'A reader\'s public profile' })
  @ApiOkResponse({ type: ProfileView })
  @SharedWhenAnonymous()
  getProfile(@Param('id') id: string): Promise<ProfileView> {
    return this.users.getProfile(id);
  }
}
