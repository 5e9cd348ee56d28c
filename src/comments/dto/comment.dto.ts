import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, ValidateBy, ValidationOptions } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { MultilineTextField, NOTE_MAX } from '../../common/validation/text-fields';
import { REPORT_REASONS, ReportReason } from '../comment-report.entity';
import { THREAD_SORTS, ThreadSort } from '../comment-sorts';
import { BODY_MAX_CHARACTERS, isCommentBody } from '../posting-rules';

function IsCommentBody(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCommentBody',
      validator: {
        validate: isCommentBody,
        defaultMessage: () =>
          `body must be 1–${BODY_MAX_CHARACTERS} characters of plain text after trimming, without NUL or control characters other than newline and tab`,
      },
    },
    options,
  );
}

const BODY_DOC = {
  description: `Plain text, 1–${BODY_MAX_CHARACTERS} characters after trimming; stored and returned exactly as written, never interpreted as HTML`,
  minLength: 1,
  maxLength: BODY_MAX_CHARACTERS,
};

export class CreateCommentDto {
  @ApiProperty(BODY_DOC)
  @IsCommentBody()
  body: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The comment this one answers, at any depth, in the same article' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export class UpdateCommentDto {
  @ApiProperty(BODY_DOC)
  @IsCommentBody()
  body: string;
}

export class ThreadQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: THREAD_SORTS, default: 'newest', description: 'top = most recommended, replies = most answered' })
  @IsOptional()
  @IsIn(THREAD_SORTS)
  sort: ThreadSort = 'newest';
}

export class ReportCommentDto {
  @ApiProperty({ enum: REPORT_REASONS })
  @IsIn(REPORT_REASONS)
  reason: ReportReason;

  @ApiPropertyOptional({ maxLength: NOTE_MAX, description: 'Newlines and tabs allowed' })
  @IsOptional()
  @MultilineTextField(0, NOTE_MAX)
  note?: string;
}
