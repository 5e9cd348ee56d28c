import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { ROLES, Role } from '../../common/auth/role';
import { IsoDateTimeField, LineOfTextField, REASON_MAX } from '../../common/validation/text-fields';
import { ProfileView } from '../../users/dto/user.views';

export class ReasonDto {
  @ApiProperty({ minLength: 1, maxLength: 1000, description: 'Why; kept in the audit log' })
  @LineOfTextField(1, REASON_MAX)
  reason: string;
}

export class SuspendUserDto extends ReasonDto {
  @ApiProperty({ format: 'date-time', description: 'When the suspension ends; must be in the future' })
  @IsoDateTimeField()
  until: string;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ minLength: 1, maxLength: 1000, description: 'Why; kept in the audit log' })
  @IsOptional()
  @LineOfTextField(1, REASON_MAX)
  reason?: string;
}

export class SetCommentsOpenDto {
  @ApiProperty()
  @IsBoolean()
  commentsOpen: boolean;

  @ApiPropertyOptional({ minLength: 1, maxLength: 1000, description: 'Why; kept in the audit log' })
  @IsOptional()
  @LineOfTextField(1, REASON_MAX)
  reason?: string;
}

/** A reader's profile with their standing, as moderators see it after a sanction or role change. */
export class AccountStandingView extends ProfileView {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while the account is suspended' })
  suspendedUntil: string | null;
  @ApiProperty() banned: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) bannedAt: string | null;
}
