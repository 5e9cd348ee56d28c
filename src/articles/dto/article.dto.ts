import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { trimmed } from '../../common/validation/transforms';

export const ARTICLE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const APPEAL_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export class UpsertArticleDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 500)
  title: string;

  @ApiProperty({ format: 'uri', maxLength: 2048 })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsISO8601({ strict: true })
  publishedAt?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  commentsOpen?: boolean;

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
  @IsString({ each: true })
  @Matches(ARTICLE_ID_PATTERN, { each: true, message: 'each id must be 1–128 characters of A-Z a-z 0-9 . _ : -' })
  ids: string[];
}

export class ArticleView {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'uri' }) url: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt: string | null;
  @ApiProperty() commentsOpen: boolean;
  @ApiProperty({ description: 'Visible comments' }) commentCount: number;
  @ApiProperty({ type: String, nullable: true }) appealId: string | null;
}

export class ArticleCountsView {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { 'politics-2026-11-26-budget': 42 } })
  counts: Record<string, number>;
}
