import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { BIO_MAX, DisplayNameField, MultilineTextField } from '../../common/validation/text-fields';

export class UpdateMeDto {
  @ApiPropertyOptional({ minLength: 2, maxLength: 40, description: 'Unique whatever the case' })
  @IsOptional()
  @DisplayNameField()
  displayName?: string;

  @ApiPropertyOptional({ type: String, maxLength: BIO_MAX, nullable: true, description: 'Newlines and tabs allowed' })
  @ValidateIf((_, value) => value !== null)
  @IsOptional()
  @MultilineTextField(0, BIO_MAX)
  bio?: string | null;
}

export class DeleteMeDto {
  @ApiPropertyOptional({ description: 'The account password, to confirm the erasure (required unless `ssoToken` is sent)' })
  @ValidateIf((body: DeleteMeDto) => body.ssoToken === undefined || body.password !== undefined)
  @IsString()
  @Length(1, 1024)
  password?: string;

  @ApiPropertyOptional({
    description: "For an account that signs in with the newsroom's accounts (and may have no password): a fresh newsroom sign-in token for it, in place of `password`",
    maxLength: 8192,
  })
  @IsOptional()
  @IsString()
  @Length(1, 8192)
  ssoToken?: string;
}
