import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** What happened, as other modules need to hear of it. */
export interface DomainEventMap {
  /** A comment was created (any status); `parentAuthorId` is the author of the comment it answers. */
  'comment.created': {
    commentId: string;
    articleId: string;
    authorId: string;
    parentId: string | null;
    parentAuthorId: string | null;
    rootId: string | null;
    status: 'visible' | 'pending';
  };
  /** A moderator hid or approved a comment. */
  'comment.moderated': {
    commentId: string;
    authorId: string | null;
    action: 'hidden' | 'approved';
    actorId: string;
  };
  /** A comment became a `deleted` tombstone, by its author or by a moderator. */
  'comment.deleted': { commentId: string; articleId: string; authorId: string | null; actorId: string; byAuthor: boolean };
  /** A reader started following another. */
  'user.followed': { followerId: string; followeeId: string };
}

export type DomainEventType = keyof DomainEventMap;
type Handler<K extends DomainEventType> = (payload: DomainEventMap[K], manager: EntityManager) => Promise<void>;

/**
 * In-process domain events published inside the transaction that causes them:
 * a handler writes with the given manager (e.g. enqueues a job row), so its
 * effect commits or rolls back with the cause and happens exactly once.
 * Handlers must be quick and must not call out of the database.
 */
@Injectable()
export class DomainEvents {
  private readonly handlers = new Map<DomainEventType, Handler<DomainEventType>[]>();

  on<K extends DomainEventType>(type: K, handler: Handler<K>): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as unknown as Handler<DomainEventType>);
    this.handlers.set(type, list);
  }

  async publish<K extends DomainEventType>(type: K, payload: DomainEventMap[K], manager: EntityManager): Promise<void> {
    for (const handler of this.handlers.get(type) ?? []) await handler(payload, manager);
  }
}
