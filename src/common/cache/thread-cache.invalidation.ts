import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../events/domain-events';
import { ThreadCache } from './thread-cache';

/**
 * A thread's cached pages go once the change that touched it has committed: a
 * page read before the commit must not be stored under the new version.
 */
@Injectable()
export class ThreadCacheInvalidation {
  constructor(events: DomainEvents, cache: ThreadCache) {
    events.onAfterCommit('thread.changed', ({ articleId }) => cache.invalidate(articleId));
  }
}
