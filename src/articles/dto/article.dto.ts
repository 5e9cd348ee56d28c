import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateIf } from 'class-validator';
import { ARTICLE_ID_PATTERN, ArticleIdField, IsoDateTimeField, LineOfTextField } from '../../common/validation/text-fields';

export { ARTICLE_ID_PATTERN };
export const APPEAL_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export class UpsertArticleDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @LineOfTextField(1, 500)
  title: string;

  @ApiProperty({ format: 'uri', maxLength: 2048 })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsoDateTimeField()
  publishedAt?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  commentsOpen?: boolean;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When comments close by themselves; null (or never set): publishedAt plus the closeAfterDays moderation setting. ' +
      'Changing it (or publishedAt) starts a new schedule. Omitted: unchanged.',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsoDateTimeField()
  commentsCloseAt?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Appeal shown under the article; null for the default' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(APPEAL_ID_PATTERN, { message: 'appealId must be 1–64 characters of A-Z a-z 0-9 . _ : -' })
  appealId?: string | null;
}

export class ArticleCountsDto {
  @ApiProperty({ type: [String], maxItems: 100, example: ['politics-2026-11-26-budget'] })
  @IsArray()
  @ArrayMinSize(0)
  @ArrayMaxSize(100)
  @ArticleIdField({ each: true })
  ids: string[];
}

export class ArticleView {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'uri' }) url: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt: string | null;
  @ApiProperty({
    description:
      'Whether comments are open now: false once commentsCloseAt has passed (unless a moderator opened them again after it) ' +
      'or when the CMS or a moderator closed them',
  })
  commentsOpen: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: "When comments close by themselves: the article's own close time, else publishedAt plus closeAfterDays; null: never",
  })
  commentsCloseAt: string | null;
  @ApiProperty({ description: 'Visible comments' }) commentCount: number;
}

export class ArticleCountsView {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { 'politics-2026-11-26-budget': 42 } })
  counts: Record<string, number>;
}
