import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsString, Length } from 'class-validator';
import { IsPlainText } from '../../common/validation/text-fields';

export const MAX_BANNED_WORDS = 10_000;

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
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'string' ? item.trim() : item)) : value,
  )
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  @IsPlainText({ multiline: false }, { each: true })
  bannedWords: string[];

  @ApiProperty({ description: 'Hold comments by readers with fewer than 3 approved comments for approval' })
  @IsBoolean()
  premoderateNewReaders: boolean;
}

export class ModerationSettingsView {
  @ApiProperty({ type: [String] }) bannedWords: string[];
  @ApiProperty() premoderateNewReaders: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
