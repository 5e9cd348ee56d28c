import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsBoolean, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class InboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only notifications not yet read' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  unread?: boolean;
}

/** Either `{ids}` (one's own notifications; others' ids are ignored) or `{all: true}`. */
export class MarkReadDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', minItems: 1, maxItems: 100 })
  @ValidateIf((body: MarkReadDto) => body.ids !== undefined || body.all === undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ enum: [true], description: 'Mark every notification read' })
  @ValidateIf((body: MarkReadDto) => body.all !== undefined)
  @Equals(true)
  all?: true;
}
