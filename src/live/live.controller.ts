import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AllowSanctioned, Auth, CurrentUser, Public, Viewer } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { CommentView } from '../comments/dto/comment.views';
import { LiveCommentUpdatedView, LiveQueueChangeView, LiveReactionsView, LiveStreamQueryDto, LiveTicketView } from './dto/live.dto';
import { LiveService } from './live.service';
import { EventStreamRoute, EventStreamTarget, StreamTarget } from './stream-target';

const EVENT_STREAM = 'text/event-stream';

const LAST_EVENT_ID = ApiHeader({
  name: 'Last-Event-ID',
  required: false,
  description: 'The `id:` of the last event received (EventSource sends it when it reconnects): the stream starts with what was missed in the last 5 minutes, or with `event: reset` when the gap is older',
});

/**
 * The stream as OpenAPI 3.0 can say it: the schema of one event as EventSource
 * parses it (`id`, `event` name, and its JSON `data`), in text/event-stream.
 */
function eventStream(events: Record<string, string>) {
  const models = [...new Set(Object.values(events))];
  const schema = {
    type: 'object',
    description: 'One Server-Sent Event, as EventSource parses it; `data` is JSON of the schema its `event` names',
    properties: {
      id: { type: 'string', description: 'Opaque; send it back as Last-Event-ID' },
      event: { type: 'string', enum: [...Object.keys(events), 'reset'] },
      data: {
        description: Object.entries(events)
          .map(([name, model]) => `\`${name}\`: ${model}`)
          .concat('`reset`: `{}`')
          .join('; '),
        ...(models.length === 1
          ? { allOf: [{ $ref: getSchemaPath(models[0]) }] }
          : { anyOf: models.map((model) => ({ $ref: getSchemaPath(model) })) }),
      },
    },
    required: ['event', 'data'],
  };
  return ApiOkResponse({ description: 'An endless text/event-stream', content: { [EVENT_STREAM]: { schema } } });
}

const STREAM_NOTES =
  'Server-Sent Events. Every event has an opaque `id:`; a `: heartbeat` comment comes every 25 s; `event: reset` (data `{}`) means ' +
  'events were missed that cannot be replayed: reload the page, then keep reading. The stream never ends by itself; when the ' +
  'instance shuts down it ends cleanly and EventSource reconnects (with Last-Event-ID) to another one. A client that stops reading ' +
  'is dropped once its unread bytes pass a bound, and resumes the same way. At most LIVE_MAX_STREAMS_PER_CLIENT (default 20) ' +
  'streams per client address: more get 429 TOO_MANY_STREAMS.';

@ApiTags('live')
@ApiExtraModels(CommentView, LiveCommentUpdatedView, LiveReactionsView, LiveQueueChangeView)
@Controller()
export class LiveController {
  constructor(private readonly live: LiveService) {}

  @Get('articles/:articleId/live')
  @Public()
  @EventStreamRoute()
  @ApiOperation({
    summary: "The article's thread, live, as an anonymous reader sees it",
    description:
      `${STREAM_NOTES}\n\nEvents: \`comment.created\` (data: a \`comment\`, CommentView) when a comment becomes visible (posted visible, ` +
      'approved, unhidden); `comment.updated` (data: LiveCommentUpdatedView, `body` null for tombstones) after an edit, hide, delete, ' +
      'feature or unfeature; `comment.reactions` (data: LiveReactionsView) at most once a second per comment. With `?ticket=` the ' +
      "comments of readers that the ticket's reader ignores are left out.",
  })
  @ApiProduces(EVENT_STREAM)
  @LAST_EVENT_ID
  @eventStream({ 'comment.created': 'CommentView', 'comment.updated': 'LiveCommentUpdatedView', 'comment.reactions': 'LiveReactionsView' })
  articleStream(@Param('articleId') articleId: string, @Query() query: LiveStreamQueryDto, @EventStreamTarget() target: StreamTarget): Promise<void> {
    return this.live.openArticleStream(articleId, query, target);
  }

  @Post('me/live-ticket')
  @AllowSanctioned()
  @Auth()
  @ApiOperation({ summary: 'A single-use ticket (valid 60 s, bound to the reader) for `?ticket=` on a live stream, since EventSource cannot send an Authorization header' })
  @ApiCreatedResponse({ type: LiveTicketView })
  ticket(@CurrentUser() reader: AuthenticatedUser): Promise<LiveTicketView> {
    return this.live.issueTicket(reader);
  }

  @Get('admin/queue/live')
  @Public()
  @EventStreamRoute()
  @ApiBearerAuth()
  @ApiOperation({
    summary: "The moderators' queue, live: `queue.added` and `queue.removed` as reports arrive and comments become pending, hidden, approved",
    description:
      `${STREAM_NOTES}\n\nNeeds a moderator's or admin's \`?ticket=\` (or their access token in Authorization). Events \`queue.added\` ` +
      'and `queue.removed`, data LiveQueueChangeView `{commentId, state}`: `state` names the queue of `GET /api/v1/admin/queue?state=`.',
  })
  @ApiProduces(EVENT_STREAM)
  @LAST_EVENT_ID
  @eventStream({ 'queue.added': 'LiveQueueChangeView', 'queue.removed': 'LiveQueueChangeView' })
  queueStream(@Query() query: LiveStreamQueryDto, @Viewer() viewer: AuthenticatedUser | undefined, @EventStreamTarget() target: StreamTarget): Promise<void> {
    return this.live.openQueueStream(query, viewer, target);
  }
}
