import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { trimmed } from '../../common/validation/transforms';

export class UpdateMeDto {
  @ApiPropertyOptional({ minLength: 2, maxLength: 40, description: 'Unique whatever the case' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(2, 40)
  displayName?: string;

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true })
  @ValidateIf((_, value) => value !== null)
  @IsOptional()
  @IsString()
  @MaxLength(500)
  bio?: string | null;
}

export class DeleteMeDto {
  @ApiPropertyOptional({ description: 'The account password, to confirm the erasure' })
  @IsString()
  @Length(1, 1024)
  password: string;
}
