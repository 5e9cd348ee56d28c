import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AccountStandingView, ChangeRoleDto, ReasonDto, SuspendUserDto } from './dto/sanctions.dto';
import { SanctionsService } from './sanctions.service';

@ApiTags('moderation')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly sanctions: SanctionsService) {}

  @Post(':id/suspend')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend a reader until a future time: they can read but every write is refused (403). Only admins may suspend moderators; admins cannot be suspended' })
  @ApiOkResponse({ type: AccountStandingView })
  suspend(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string, @Body() body: SuspendUserDto): Promise<AccountStandingView> {
    return this.sanctions.suspend(actor, id, new Date(body.until), body.reason);
  }

  @Post(':id/unsuspend')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a suspension before it ends (a no-op when the account is not suspended)' })
  @ApiOkResponse({ type: AccountStandingView })
  unsuspend(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string, @Body() body: ReasonDto): Promise<AccountStandingView> {
    return this.sanctions.unsuspend(actor, id, body.reason);
  }

  @Post(':id/ban')
  @Write()
  @Auth({ roles: ['admin'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Ban a reader or moderator: every session ends at once, and later sign-ins can read but not write' })
  @ApiOkResponse({ type: AccountStandingView })
  ban(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string, @Body() body: ReasonDto): Promise<AccountStandingView> {
    return this.sanctions.ban(actor, id, body.reason);
  }

  @Post(':id/unban')
  @Write()
  @Auth({ roles: ['admin'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a ban' })
  @ApiOkResponse({ type: AccountStandingView })
  unban(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string, @Body() body: ReasonDto): Promise<AccountStandingView> {
    return this.sanctions.unban(actor, id, body.reason);
  }

  @Put(':id/role')
  @Write()
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'Change a role; 409 LAST_ADMIN when it would leave no admin' })
  @ApiOkResponse({ type: AccountStandingView })
  setRole(@CurrentUser() actor: AuthenticatedUser, @Param('id') id: string, @Body() body: ChangeRoleDto): Promise<AccountStandingView> {
    return this.sanctions.setRole(actor, id, body.role, body.reason ?? null);
  }
}
