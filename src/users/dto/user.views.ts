import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../../common/auth/role';

export class SupporterView {
  @ApiProperty() active: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) since: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) until: string | null;
  @ApiProperty({ description: 'True while a monthly or annual donation keeps it active' }) recurring: boolean;
}

export class ProfileView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ minLength: 2, maxLength: 40 }) displayName: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) bio: string | null;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() isSupporter: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() followerCount: number;
  @ApiProperty() followingCount: number;
  @ApiProperty() commentCount: number;
}

export class UserView extends ProfileView {
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ description: 'True once the address has been confirmed; only verified addresses get activity e-mails' })
  emailVerified: boolean;
  @ApiProperty({ type: SupporterView }) supporter: SupporterView;
  @ApiProperty() unreadNotifications: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while the account is suspended' })
  suspendedUntil: string | null;
  @ApiProperty({ description: 'True when the account is banned: it can read but not write' }) banned: boolean;
}
