import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, ValidateNested } from 'class-validator';
import { DIGESTS, Digest } from '../notification-settings.entity';

export class EmailChoicesDto {
  @ApiProperty({ description: 'Someone replied to my comment (default on)' }) @IsBoolean() reply: boolean;
  @ApiProperty({ description: 'A moderator featured my comment (default on)' }) @IsBoolean() featured: boolean;
  @ApiProperty({ description: 'My comment was hidden or approved (default on)' }) @IsBoolean() moderation: boolean;
  @ApiProperty({ description: 'A reader I follow posted (default off)' }) @IsBoolean() followedComment: boolean;
  @ApiProperty({ description: 'Someone followed me (default off)' }) @IsBoolean() follow: boolean;
}

export class NotificationSettingsDto {
  @ApiProperty({ type: EmailChoicesDto, description: 'Which activity e-mails to receive (verified addresses only)' })
  @IsDefined()
  @ValidateNested()
  @Type(() => EmailChoicesDto)
  email: EmailChoicesDto;

  @ApiProperty({ enum: DIGESTS, description: 'One e-mail per item (`immediate`, default), or one per hour or day with every item' })
  @IsIn(DIGESTS)
  digest: Digest;
}

export class NotificationSettingsView {
  @ApiProperty({ type: EmailChoicesDto }) email: EmailChoicesDto;
  @ApiProperty({ enum: DIGESTS }) digest: Digest;
}
