import { ApiProperty } from '@nestjs/swagger';
import { ProfileView } from '../../users/dto/user.views';
import { AUDIT_TARGET_TYPES, AuditTargetType, MODERATION_ACTIONS, ModerationActionName } from '../moderation-action.entity';

export class AuditEntryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: ProfileView, nullable: true, description: 'Who acted; null once that account is erased' })
  actor: ProfileView | null;
  @ApiProperty({ enum: MODERATION_ACTIONS }) action: ModerationActionName;
  @ApiProperty({ enum: AUDIT_TARGET_TYPES }) targetType: AuditTargetType;
  @ApiProperty({ description: 'Comment or user UUID, article id, or `moderation` for the settings' }) targetId: string;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The moderator's own words (a hide's `note`)" }) note: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
