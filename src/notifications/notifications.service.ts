import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AppError } from '../common/errors/app-error';
import { AccountHooks, UnreadCountProvider } from '../common/hooks/account-hooks';
import { CommentViewsProvider } from '../common/hooks/comment-views';
import { requiredProvider } from '../common/hooks/required-provider';
import { CommentView } from '../comments/dto/comment.views';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { ProfileView } from '../users/dto/user.views';
import { UsersService } from '../users/users.service';
import { InboxQueryDto, MarkReadDto } from './dto/notification.dto';
import { NotificationCommentView, NotificationView } from './dto/notification.views';
import { INBOX_EXCERPT_LENGTH, InboxQuery, NotificationRow, NotificationsRepository } from './notifications.repository';

@Injectable()
export class NotificationsService implements UnreadCountProvider, OnModuleInit {
  private commentViews?: CommentViewsProvider;

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly users: UsersService,
    private readonly moduleRef: ModuleRef,
    hooks: AccountHooks,
  ) {
    hooks.onErase((userId) => this.notifications.deleteInboxOf(userId));
  }

  onModuleInit(): void {
    this.commentViews = requiredProvider(this.moduleRef, CommentViewsProvider, 'comments');
  }

  unreadCount(userId: string): Promise<number> {
    return this.notifications.countUnread(userId);
  }

  async inbox(recipient: AuthenticatedUser, query: InboxQueryDto): Promise<Page<NotificationView>> {
    const recipientId = recipient.id;
    const inboxQuery: InboxQuery = { unreadOnly: query.unread === true, limit: query.limit };
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, ['timestamp', 'uuid']) as [string, string];
      inboxQuery.before = { at, id };
    }
    const rows = await this.notifications.findInboxPage(recipientId, inboxQuery);
    const page = toPage(rows, query.limit, (row) => [row.createdAt, row.id], (row) => row);
    const actorIds = page.items.map((row) => row.actorId).filter((id): id is string => id !== null);
    const actors = new Map((await this.users.getProfiles([...new Set(actorIds)])).map((profile) => [profile.id, profile]));
    const commentIds = page.items.map((row) => row.commentId).filter((id): id is string => id !== null);
    const views = commentIds.length === 0 ? [] : await (this.commentViews as CommentViewsProvider).viewsByIds(commentIds, recipient);
    const comments = new Map(views.map((view) => [view.id, withExcerpt(view)]));
    return { items: page.items.map((row) => toNotificationView(row, actors, comments)), nextCursor: page.nextCursor };
  }

  async markRead(recipientId: string, body: MarkReadDto): Promise<void> {
    if (body.all && body.ids) {
      throw new AppError('VALIDATION_FAILED', 'Send either ids or all', [{ field: 'all', message: 'send either ids or all, not both' }]);
    }
    if (body.all) await this.notifications.markAllRead(recipientId);
    else await this.notifications.markRead(recipientId, body.ids ?? []);
  }
}

function withExcerpt(view: CommentView): NotificationCommentView {
  return { ...view, excerpt: view.body === null ? null : Array.from(view.body).slice(0, INBOX_EXCERPT_LENGTH).join('') };
}

function toNotificationView(row: NotificationRow, actors: Map<string, ProfileView>, comments: Map<string, NotificationCommentView>): NotificationView {
  return {
    id: row.id,
    type: row.type,
    createdAt: new Date(row.createdAt).toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
    actor: (row.actorId && actors.get(row.actorId)) || null,
    comment: (row.commentId && comments.get(row.commentId)) || null,
  };
}
