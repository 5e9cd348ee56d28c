import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { AccountHooks, UnreadCountProvider } from '../common/hooks/account-hooks';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { ProfileView } from '../users/dto/user.views';
import { UsersService } from '../users/users.service';
import { InboxQueryDto, MarkReadDto } from './dto/notification.dto';
import { NotificationView } from './dto/notification.views';
import { InboxQuery, MailableNotification, NotificationRow, NotificationsRepository } from './notifications.repository';

@Injectable()
export class NotificationsService implements UnreadCountProvider {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly users: UsersService,
    hooks: AccountHooks,
  ) {
    hooks.onErase((userId) => this.notifications.deleteInboxOf(userId));
  }

  /** Notifications as their e-mails show them, read as each recipient sees them in the inbox (ignores, visibility). */
  findForMail(ids: string[]): Promise<MailableNotification[]> {
    return this.notifications.findForMail(ids);
  }

  unreadCount(userId: string): Promise<number> {
    return this.notifications.countUnread(userId);
  }

  async inbox(recipientId: string, query: InboxQueryDto): Promise<Page<NotificationView>> {
    const inboxQuery: InboxQuery = { unreadOnly: query.unread === true, limit: query.limit };
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, ['timestamp', 'uuid']) as [string, string];
      inboxQuery.before = { at, id };
    }
    const rows = await this.notifications.findInboxPage(recipientId, inboxQuery);
    const page = toPage(rows, query.limit, (row) => [row.createdAt, row.id], (row) => row);
    const actorIds = page.items.map((row) => row.actorId).filter((id): id is string => id !== null);
    const actors = new Map((await this.users.getProfiles([...new Set(actorIds)])).map((profile) => [profile.id, profile]));
    return { items: page.items.map((row) => toNotificationView(row, actors)), nextCursor: page.nextCursor };
  }

  async markRead(recipientId: string, body: MarkReadDto): Promise<void> {
    if (body.all && body.ids) {
      throw new AppError('VALIDATION_FAILED', 'Send either ids or all', [{ field: 'all', message: 'send either ids or all, not both' }]);
    }
    if (body.all) await this.notifications.markAllRead(recipientId);
    else await this.notifications.markRead(recipientId, body.ids ?? []);
  }
}

function toNotificationView(row: NotificationRow, actors: Map<string, ProfileView>): NotificationView {
  return {
    id: row.id,
    type: row.type,
    createdAt: new Date(row.createdAt).toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
    actor: (row.actorId && actors.get(row.actorId)) || null,
    comment: row.comment,
  };
}
