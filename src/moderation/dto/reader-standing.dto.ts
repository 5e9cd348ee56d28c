import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { COMMENT_STATUSES, CommentStatus } from '../../comments/comment.entity';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { MultilineTextField } from '../../common/validation/text-fields';
import { ProfileView } from '../../users/dto/user.views';
import { MODERATOR_NOTE_MAX } from '../moderator-note.entity';
import { SanctionView } from './audit-log.views';
import { AccountStandingView } from './sanctions.dto';

export class CommentStatusCountsView {
  @ApiProperty() visible: number;
  @ApiProperty() pending: number;
  @ApiProperty() hidden: number;
  @ApiProperty() deleted: number;
}

/** A reader as moderators see them in the reader drawer. */
export class ReaderStandingView extends AccountStandingView {
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ description: 'Whether the address has been confirmed' }) emailVerified: boolean;
  @ApiProperty({ type: CommentStatusCountsView, description: 'How many of their comments are in each status' })
  commentCounts: CommentStatusCountsView;
  @ApiProperty({ description: 'Reports filed against their comments, resolved or not (system reports included)' })
  reportCount: number;
  @ApiProperty({ description: 'Of those, the reports no moderator has resolved yet' })
  openReportCount: number;
  @ApiProperty({ type: [SanctionView], description: 'Suspensions and bans and their lifting, newest first (the latest 100), from the audit log' })
  sanctions: SanctionView[];
}

export class ReaderCommentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: COMMENT_STATUSES, description: 'Only comments in this status; every status when absent' })
  @IsOptional()
  @IsIn(COMMENT_STATUSES)
  status?: CommentStatus;
}

export class CreateModeratorNoteDto {
  @ApiProperty({ minLength: 1, maxLength: MODERATOR_NOTE_MAX, description: 'Plain text, newlines and tabs allowed; 1–2000 characters, not only spaces' })
  @MultilineTextField(1, MODERATOR_NOTE_MAX)
  @Matches(/\S/, { message: 'body must not be blank' })
  body: string;
}

export class ModeratorNoteView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: ProfileView, nullable: true, description: 'The moderator who wrote it; null once their account is erased' })
  author: ProfileView | null;
  @ApiProperty({ description: 'Plain text as written' }) body: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
