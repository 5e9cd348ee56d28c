import { Injectable } from '@nestjs/common';
import { ArticlesService } from '../articles/articles.service';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { isStaff } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';
import { AccountHooks } from '../common/hooks/account-hooks';
import { LiveStreamQueryDto, LiveTicketView } from './dto/live.dto';
import { articleChannel, QUEUE_CHANNEL } from './live-events';
import { LiveHub, SSE_HEADERS } from './live-hub';
import { LiveTickets, TicketHolder } from './live-tickets';
import { StreamTarget } from './stream-target';

/**
 * The rules of the live streams: who may open which, and what each leaves out.
 * Everything that can refuse (unknown article, bad ticket, the per-client cap)
 * runs before the response is taken over, so a refusal is an ordinary
 * problem+json answer; after that the response is the stream's.
 */
@Injectable()
export class LiveService {
  constructor(
    private readonly hub: LiveHub,
    private readonly tickets: LiveTickets,
    private readonly articles: ArticlesService,
    private readonly accountHooks: AccountHooks,
  ) {}

  issueTicket(reader: AuthenticatedUser): Promise<LiveTicketView> {
    return this.tickets.issue(reader).then((ticket) => ({ ticket }));
  }

  async openArticleStream(articleId: string, query: LiveStreamQueryDto, target: StreamTarget): Promise<void> {
    this.hub.assertMayOpen(target.request.ip);
    await this.articles.findOrFail(articleId);
    const holder = query.ticket === undefined ? null : await this.tickets.redeem(query.ticket);
    const ignored = holder ? new Set(await this.accountHooks.ignoredUserIds(holder.userId)) : undefined;
    await this.open(articleChannel(articleId), query, target, ignored);
  }

  /** A moderator's ticket, or a moderator's Authorization header for clients that can send one. */
  async openQueueStream(query: LiveStreamQueryDto, viewer: AuthenticatedUser | undefined, target: StreamTarget): Promise<void> {
    this.hub.assertMayOpen(target.request.ip);
    const holder: TicketHolder | null = query.ticket !== undefined ? await this.tickets.redeem(query.ticket) : viewer ? { userId: viewer.id, role: viewer.role } : null;
    if (!holder) throw new AppError('UNAUTHENTICATED', 'A moderator\'s ticket (?ticket=) or access token is required');
    if (!isStaff(holder.role)) throw new AppError('FORBIDDEN', 'Only moderators may follow the queue');
    await this.open(QUEUE_CHANNEL, query, target);
  }

  private async open(channel: string, query: LiveStreamQueryDto, target: StreamTarget, ignoredAuthorIds?: ReadonlySet<string>): Promise<void> {
    // HEAD (which Fastify answers with the GET route) gets the stream's headers and no stream to hold open.
    if (target.request.method === 'HEAD') {
      void target.reply.headers(SSE_HEADERS);
      return;
    }
    const header = target.request.headers['last-event-id'];
    return this.hub.open({
      channel,
      response: target.reply.raw,
      headers: target.reply.getHeaders(),
      clientAddress: target.request.ip,
      lastEventId: typeof header === 'string' ? header : query.lastEventId,
      ignoredAuthorIds,
      takeOver: () => {
        target.reply.hijack();
      },
    });
  }
}
