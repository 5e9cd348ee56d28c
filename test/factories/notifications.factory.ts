import { CommentsService } from '../../src/comments/comments.service';
import { DomainEvents } from '../../src/common/events/domain-events';
import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { TestApp } from '../support/test-app';
import { RegisteredReader } from './users.factory';

export interface InboxItem {
  id: string;
  type: string;
  createdAt: string;
  readAt: string | null;
  actor: { id: string; displayName: string } | null;
  comment: { id: string; excerpt: string | null; status: string } | null;
}

export async function inboxOf(t: TestApp, reader: RegisteredReader, query = ''): Promise<InboxItem[]> {
  const response = await t.http.get(`/api/v1/me/notifications${query}`).set(reader.auth).expect(200);
  return response.body.items;
}

/** Runs every queued background job now (tests never wait for a poller). */
export function runJobs(t: TestApp): Promise<number> {
  return t.app.get(JobQueue).drain();
}

/** Hides or approves a comment and publishes `comment.moderated`, as the moderation module does. */
export async function moderate(t: TestApp, commentId: string, action: 'hidden' | 'approved', moderatorId: string): Promise<void> {
  const comments = t.app.get(CommentsService);
  const events = t.app.get(DomainEvents);
  await t.transactions.run(async () => {
    const { after } = await comments.setStatus(commentId, action === 'hidden' ? 'hidden' : 'visible', { hiddenReason: 'spam' });
    await events.publish('comment.moderated', { commentId, articleId: after.articleId, authorId: after.authorId, action, actorId: moderatorId });
  });
}
