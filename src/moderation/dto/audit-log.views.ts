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

/** The audit actions that are a reader's sanctions (and their lifting). */
export const SANCTION_ACTIONS = ['user.suspend', 'user.unsuspend', 'user.ban', 'user.unban'] as const satisfies readonly ModerationActionName[];
export type SanctionAction = (typeof SANCTION_ACTIONS)[number];

/** One suspension, ban or lifting of either, from the audit log. */
export class SanctionView {
  @ApiProperty({ format: 'uuid', description: 'The audit log entry' }) id: string;
  @ApiProperty({ enum: SANCTION_ACTIONS }) action: SanctionAction;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'For a suspension: when it ends (or ended)' })
  until: string | null;
  @ApiProperty({ type: ProfileView, nullable: true, description: 'Who acted; null once that account is erased' })
  actor: ProfileView | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
