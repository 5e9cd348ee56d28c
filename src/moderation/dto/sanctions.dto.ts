import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { ROLES, Role } from '../../common/auth/role';
import { trimmed } from '../../common/validation/transforms';
import { ProfileView } from '../../users/dto/user.views';

export class ReasonDto {
  @ApiProperty({ minLength: 1, maxLength: 1000, description: 'Why; kept in the audit log' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class SuspendUserDto extends ReasonDto {
  @ApiProperty({ format: 'date-time', description: 'When the suspension ends; must be in the future' })
  @IsISO8601({ strict: true })
  until: string;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ minLength: 1, maxLength: 1000, description: 'Why; kept in the audit log' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 1000)
  reason?: string;
}

export class SetCommentsOpenDto {
  @ApiProperty()
  @IsBoolean()
  commentsOpen: boolean;

  @ApiPropertyOptional({ minLength: 1, maxLength: 1000, description: 'Why; kept in the audit log' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 1000)
  reason?: string;
}

/** A reader's profile with their standing, as moderators see it after a sanction or role change. */
export class AccountStandingView extends ProfileView {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while the account is suspended' })
  suspendedUntil: string | null;
  @ApiProperty() banned: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) bannedAt: string | null;
}
