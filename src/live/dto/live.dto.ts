import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** `?ticket=` (and, for clients that cannot send headers on reconnection, `?lastEventId=`). */
export class LiveStreamQueryDto {
  @ApiPropertyOptional({
    description:
      'A single-use ticket from POST /api/v1/me/live-ticket. On an article stream it applies that reader\'s ignores; the queue stream needs a moderator\'s (or an Authorization header)',
  })
  @IsOptional() @IsString() @Length(1, 256)
  ticket?: string;

  @ApiPropertyOptional({ description: 'Same as the Last-Event-ID header (which wins when both are sent)' })
  @IsOptional() @IsString() @Length(1, 64)
  lastEventId?: string;
}

export class LiveTicketView {
  @ApiProperty({ description: 'Single use, valid for 60 seconds, bound to the reader who asked for it: pass it as `?ticket=`' })
  ticket: string;
}

/** `data` of `comment.updated` on an article stream. */
export class LiveCommentUpdatedView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['visible', 'hidden', 'deleted'] }) status: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null for tombstones' }) body: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) editedAt: string | null;
  @ApiProperty() featured: boolean;
}

/** `data` of `comment.reactions` on an article stream (at most once a second per comment). */
export class LiveReactionsView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reactionCount: number;
}

/** `data` of `queue.added` and `queue.removed` on the moderators' queue stream. */
export class LiveQueueChangeView {
  @ApiProperty({ format: 'uuid' }) commentId: string;
  @ApiProperty({ enum: ['reported', 'pending', 'hidden'], description: 'The queue (`GET /api/v1/admin/queue?state=`) the comment entered or left' })
  state: string;
}
