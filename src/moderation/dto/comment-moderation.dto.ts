import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { REPORT_REASONS, ReportReason } from '../../comments/comment-report.entity';
import { CommentView } from '../../comments/dto/comment.views';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { QUEUE_STATES, QueueState } from '../../comments/comment-review.repository';
import { AuditEntryView } from './audit-log.views';

export class HideCommentDto {
  @ApiProperty({ enum: REPORT_REASONS })
  @IsIn(REPORT_REASONS)
  reason: ReportReason;

  @ApiPropertyOptional({ maxLength: 1000, description: "The moderator's own words, kept on the audit log" })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class QueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: QUEUE_STATES, default: 'reported' })
  @IsOptional()
  @IsIn(QUEUE_STATES)
  state: QueueState = 'reported';
}

export class QueueReportView {
  @ApiProperty({ enum: REPORT_REASONS }) reason: ReportReason;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class QueueArticleView {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
}

export class AuthorStandingView {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while the author is suspended' })
  suspendedUntil: string | null;
  @ApiProperty() suspended: boolean;
  @ApiProperty() banned: boolean;
  @ApiProperty({ description: 'How many of the author\'s comments moderators have hidden (this one included when hidden)' })
  hiddenCommentCount: number;
}

export class QueueItemView extends CommentView {
  @ApiProperty({ type: [QueueReportView], description: 'Open reports, oldest first (at most 20)' })
  reports: QueueReportView[];
  @ApiProperty({ description: 'Open reports in all' }) reportCount: number;
  @ApiProperty({ type: QueueArticleView }) article: QueueArticleView;
  @ApiProperty({ type: AuthorStandingView, nullable: true, description: 'Null once the author\'s account is erased' })
  authorStanding: AuthorStandingView | null;
  @ApiProperty({ type: String, nullable: true, enum: REPORT_REASONS, description: 'Why a moderator hid it' })
  hiddenReason: string | null;
}

export class CommentVersionView {
  @ApiProperty({ type: String, nullable: true, description: 'Null once the author erased their account' }) body: string | null;
  @ApiProperty({ format: 'date-time', description: 'When this body was replaced' }) replacedAt: string;
}

export class CommentHistoryView {
  @ApiProperty({ type: CommentView }) comment: CommentView;
  @ApiProperty({ type: [CommentVersionView], description: 'Earlier bodies, oldest first; the current one is `comment.body`' })
  versions: CommentVersionView[];
  @ApiProperty({ type: [AuditEntryView], description: 'Every moderation action on the comment, oldest first' })
  actions: AuditEntryView[];
}
