import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommentView } from '../comments/dto/comment.views';
import { Page } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { PageOf } from '../common/pagination/page.dto';
import { CreateModeratorNoteDto, ModeratorNoteView, ReaderCommentsQueryDto, ReaderStandingView } from './dto/reader-standing.dto';
import { ModeratorNotesService } from './moderator-notes.service';
import { ReaderStandingService } from './reader-standing.service';
import { Auth, CurrentUser, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AccountStandingView, ChangeRoleDto, ReasonDto, SuspendUserDto } from './dto/sanctions.dto';
import { SanctionsService } from './sanctions.service';

@ApiTags('moderation')
@Controller('admin/users')
export class AdminUsersController {
  constructor(
    private readonly sanctions: SanctionsService,
    private readonly readers: ReaderStandingService,
    private readonly moderatorNotes: ModeratorNotesService,
  ) {}

  @Get(':id')
  @Auth({ roles: ['moderator', 'admin'] })
  @ApiOperation({ summary: "A reader's standing: profile, e-mail, suspension and ban, comment counts by status, reports against them, and their sanctions (newest first)" })
  @ApiOkResponse({ type: ReaderStandingView })
  standing(@Param('id') id: string): Promise<ReaderStandingView> {
    return this.readers.standing(id);
  }

  @Get(':id/comments')
  @Auth({ roles: ['moderator', 'admin'] })
  @ApiOperation({ summary: "Every comment of a reader in any status (or in `status`), newest first, as moderators see them" })
  @ApiOkResponse({ type: PageOf(CommentView) })
  comments(@CurrentUser() moderator: AuthenticatedUser, @Param('id') id: string, @Query() query: ReaderCommentsQueryDto): Promise<Page<CommentView>> {
    return this.readers.comments(moderator, id, query);
  }

  @Get(':id/notes')
  @Auth({ roles: ['moderator', 'admin'] })
  @ApiOperation({ summary: "Moderators' notes about a reader, newest first" })
  @ApiOkResponse({ type: PageOf(ModeratorNoteView) })
  notes(@Param('id') id: string, @Query() query: PageQueryDto): Promise<Page<ModeratorNoteView>> {
    return this.moderatorNotes.page(id, query);
  }

  @Post(':id/notes')
  @Write()
  @Auth({ roles: ['moderator', 'admin'] })
  @ApiOperation({ summary: 'Add a note about a reader for the other moderators (plain text, up to 2000 characters); written to the audit log as `user.note`' })
  @ApiCreatedResponse({ type: ModeratorNoteView })
  addNote(@CurrentUser() moderator: AuthenticatedUser, @Param('id') id: string, @Body() body: CreateModeratorNoteDto): Promise<ModeratorNoteView> {
    return this.moderatorNotes.create(moderator, id, body.body);
  }

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
