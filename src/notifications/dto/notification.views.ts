import { ApiProperty } from '@nestjs/swagger';
import { ProfileView } from '../../users/dto/user.views';
import { NOTIFICATION_TYPES, NotificationType } from '../notification.entity';

/** Enough of the comment to show and link the notification; the full comment is at GET /comments/:id. */
export class NotificationCommentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() articleId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) parentId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) rootId: string | null;
  @ApiProperty({ enum: ['visible', 'pending', 'hidden', 'deleted'] }) status: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The body as the recipient may read it; null when they may not (hidden, deleted, erased)',
  })
  body: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 140,
    description: 'Start of the body; null when the recipient may not read it (hidden, deleted, erased)',
  })
  excerpt: string | null;
}

export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NOTIFICATION_TYPES }) type: NotificationType;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
  @ApiProperty({ type: ProfileView, nullable: true, description: 'Who caused it; null for moderation or an erased account' })
  actor: ProfileView | null;
  @ApiProperty({ type: NotificationCommentView, nullable: true, description: 'The comment concerned; null for follow' })
  comment: NotificationCommentView | null;
}
