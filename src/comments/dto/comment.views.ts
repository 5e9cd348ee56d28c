import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../../common/auth/role';
import { COMMENT_STATUSES, CommentStatus } from '../comment.entity';

export class CommentAuthorView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() isSupporter: boolean;
}

export class InReplyToView {
  @ApiProperty({ format: 'uuid' }) commentId: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null once the answered author erased their account' })
  authorDisplayName: string | null;
}

/** The `comment` of the contract, as one viewer may see it. */
export class CommentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() articleId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) parentId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The top-level comment of the thread; null for a top-level comment' })
  rootId: string | null;
  @ApiProperty({ description: '0 for a top-level comment' }) depth: number;
  @ApiProperty({ type: String, nullable: true, description: 'Plain text as written; null for tombstones (except for their author and moderators) and erased accounts' })
  body: string | null;
  @ApiProperty({ enum: COMMENT_STATUSES }) status: CommentStatus;
  @ApiProperty({ type: CommentAuthorView, nullable: true, description: 'Null once the account is erased' })
  author: CommentAuthorView | null;
  @ApiProperty({ type: InReplyToView, nullable: true }) inReplyTo: InReplyToView | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) editedAt: string | null;
  @ApiProperty({ description: 'Descendants this viewer would see: visible ones (not tombstones), less those by readers the viewer ignores, plus pending ones the viewer may see (their own; all for moderators)' })
  replyCount: number;
  @ApiProperty() reactionCount: number;
  @ApiProperty({ description: 'Whether the viewer recommends it (false without a token)' }) viewerReacted: boolean;
  @ApiProperty() featured: boolean;
}

/** A top-level comment in a thread page, with its first three descendants (oldest first). */
export class ThreadCommentView extends CommentView {
  @ApiProperty({ type: [CommentView] }) replies: CommentView[];
}

/** One of an article's picks: a featured comment, with when it was featured. */
export class PickView extends CommentView {
  @ApiProperty({ format: 'date-time', description: 'When a moderator featured it (the order of the picks, most recent first)' })
  featuredAt: string;
}

export class CommentContextView {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Top-level comment whose replies page holds the comment; null when the comment is itself top-level (then the cursor is for the article\'s top-level page)',
  })
  rootId: string | null;
  @ApiProperty({ enum: ['oldest'] }) sort: 'oldest';
  @ApiProperty({ type: String, nullable: true, description: 'Cursor whose page starts with this comment; null when it is on the first page' })
  cursor: string | null;
}

export class CommentWithContextView extends CommentView {
  @ApiProperty({ type: CommentContextView }) context: CommentContextView;
}
