import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateBy, ValidateIf } from 'class-validator';
import { REPORT_REASONS, ReportReason } from '../../comments/comment-report.entity';
import { COMMENT_STATUSES, CommentStatus } from '../../comments/comment.entity';
import { ERROR_CODES, ErrorCode } from '../../common/errors/error-codes';
import { NOTE_MAX } from '../../common/validation/text-fields';

export const BULK_ACTIONS = ['hide', 'unhide', 'approve', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const BULK_MAX_IDS = 100;

/** `reason` and `note` are a hide's: sent with another action they would be dropped unseen, so they are refused. */
function OnlyForHide(): PropertyDecorator {
  return ValidateBy({
    name: 'onlyForHide',
    validator: {
      validate: (value: unknown, args) => value === undefined || (args?.object as BulkModerationDto).action === 'hide',
      defaultMessage: (args) => `${args?.property ?? 'field'} applies only to the hide action`,
    },
  });
}

export class BulkModerationDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: BULK_MAX_IDS, uniqueItems: true, description: 'The comments, acted on in this order' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_MAX_IDS)
  @IsUUID('all', { each: true, message: 'each id must be a UUID' })
  @ArrayUnique((id: unknown) => (typeof id === 'string' ? id.toLowerCase() : id), { message: 'ids must not repeat' })
  ids: string[];

  @ApiProperty({ enum: BULK_ACTIONS, description: 'What each comment\'s own endpoint does: POST /admin/comments/:id/{hide,unhide,approve}, DELETE /comments/:id' })
  @IsIn(BULK_ACTIONS)
  action: BulkAction;

  @ApiPropertyOptional({ enum: REPORT_REASONS, description: 'Required for `hide`, refused for the other actions (they record no reason)' })
  @ValidateIf((body: BulkModerationDto) => body.action === 'hide' || body.reason !== undefined)
  @OnlyForHide()
  @IsIn(REPORT_REASONS)
  reason?: ReportReason;

  @ApiPropertyOptional({ maxLength: NOTE_MAX, description: "For `hide` only: the moderator's own words, kept on each audit entry" })
  @IsOptional()
  @OnlyForHide()
  @IsString()
  @MaxLength(NOTE_MAX)
  note?: string;
}

export class BulkResultView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ enum: COMMENT_STATUSES, description: 'Present when the action applied (or was already in effect): the comment\'s status now' })
  status?: CommentStatus;
  @ApiPropertyOptional({ enum: Object.keys(ERROR_CODES), description: 'Present when the comment was refused: the problem code its own endpoint answers (COMMENT_NOT_FOUND, COMMENT_DELETED, COMMENT_STATUS_CONFLICT)' })
  code?: ErrorCode;
}

export class BulkModerationView {
  @ApiProperty({ type: [BulkResultView], description: 'One result per id, in the order of `ids`' })
  results: BulkResultView[];
}
