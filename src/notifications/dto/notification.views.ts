import { ApiProperty } from '@nestjs/swagger';
import { CommentView } from '../../comments/dto/comment.views';
import { ProfileView } from '../../users/dto/user.views';
import { NOTIFICATION_TYPES, NotificationType } from '../notification.entity';

/** The contract's `comment`, as the recipient may see it, plus the start of its body for a one-line summary. */
export class NotificationCommentView extends CommentView {
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
  @ApiProperty({
    type: NotificationCommentView,
    nullable: true,
    description: 'The comment concerned, as the recipient may see it; null for follow, or once the recipient may not see it',
  })
  comment: NotificationCommentView | null;
}
