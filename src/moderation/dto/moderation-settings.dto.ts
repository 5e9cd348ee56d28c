import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsPlainText } from '../../common/validation/text-fields';

export const MAX_BANNED_WORDS = 10_000;
export const MAX_SUSPECT_WORDS = 10_000;
export const MAX_CLOSE_AFTER_DAYS = 3650;
export const DEFAULT_EXTERNAL_TIMEOUT_MS = 800;
export const MAX_EXTERNAL_TIMEOUT_MS = 3000;

const trimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'string' ? item.trim() : item)) : value;

export class ExternalModerationDto {
  @ApiProperty({ format: 'uri', maxLength: 2048, example: 'https://classifier.newsroom.example/margin' })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url: string;

  @ApiProperty({ minLength: 1, maxLength: 256, description: 'Signs each request (X-Margin-Signature); shown only to admins, never logged' })
  @IsString()
  @Length(1, 256)
  @IsPlainText({ multiline: false })
  secret: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_EXTERNAL_TIMEOUT_MS, default: DEFAULT_EXTERNAL_TIMEOUT_MS })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_EXTERNAL_TIMEOUT_MS)
  timeoutMs?: number;
}

export class ModerationSettingsDto {
  @ApiProperty({
    type: [String],
    maxItems: MAX_BANNED_WORDS,
    description:
      'Words or phrases (1–100 characters) that send a comment to the pending queue. Matched case-insensitively on ' +
      'word boundaries in any script; duplicates (whatever the case) are dropped.',
    example: ['idiot', 'f*ck'],
  })
  @IsArray()
  @ArrayMaxSize(MAX_BANNED_WORDS)
  @Transform(trimEach)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  @IsPlainText({ multiline: false }, { each: true })
  bannedWords: string[];

  @ApiProperty({ description: 'Hold comments by readers with fewer than 3 approved comments for approval' })
  @IsBoolean()
  premoderateNewReaders: boolean;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_SUSPECT_WORDS,
    description:
      'Words or phrases (1–100 characters) that publish a comment but put it in the reported queue with a system report ' +
      '(reason "other", no reporter). Matched like bannedWords. Omitted: unchanged.',
    example: ['scam'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SUSPECT_WORDS)
  @Transform(trimEach)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  @IsPlainText({ multiline: false }, { each: true })
  suspectWords?: string[];

  @ApiPropertyOptional({
    description:
      'Hold comments that carry a link (a URL with a scheme, www.…, or a bare domain such as example.com) as pending. Omitted: unchanged.',
  })
  @IsOptional()
  @IsBoolean()
  premoderateLinks?: boolean;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: MAX_CLOSE_AFTER_DAYS,
    description: 'Articles without a commentsCloseAt of their own close this many days after publishedAt; null: never. Omitted: unchanged.',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(MAX_CLOSE_AFTER_DAYS)
  closeAfterDays?: number | null;

  @ApiPropertyOptional({
    type: ExternalModerationDto,
    nullable: true,
    description:
      'A classifier each new comment is POSTed to before it is stored as visible (see the API guide: signed request, ' +
      'its decision, timeout falling back to the local rules); null: none. Omitted: unchanged.',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => ExternalModerationDto)
  externalModeration?: ExternalModerationDto | null;
}

export class ExternalModerationView {
  @ApiProperty({ format: 'uri' }) url: string;
  @ApiProperty() secret: string;
  @ApiProperty({ minimum: 1, maximum: MAX_EXTERNAL_TIMEOUT_MS }) timeoutMs: number;
}

export class ModerationSettingsView {
  @ApiProperty({ type: [String] }) bannedWords: string[];
  @ApiProperty() premoderateNewReaders: boolean;
  @ApiProperty({ type: [String] }) suspectWords: string[];
  @ApiProperty() premoderateLinks: boolean;
  @ApiProperty({ type: Number, nullable: true }) closeAfterDays: number | null;
  @ApiProperty({ type: ExternalModerationView, nullable: true }) externalModeration: ExternalModerationView | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
