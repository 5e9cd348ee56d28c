import { Injectable } from '@nestjs/common';
import { ArticlesService } from '../articles/articles.service';
import { DomainEvents } from '../common/events/domain-events';
import { AccountHooks } from '../common/hooks/account-hooks';
import { UnitOfWork } from '../database/unit-of-work';
import { JobQueue } from '../notifications/jobs/job-queue';
import type { MailableNotification } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { UsersService } from '../users/users.service';
import { User } from '../users/user.entity';
import { DigestItemsRepository } from './digest-items.repository';
import { MailLinks } from './mail-links';
import { MailOutbox } from './mail-outbox.service';
import { Digest } from './notification-settings.entity';
import { ActivityType, DEFAULT_SETTINGS, NotificationSettingsRepository, Settings } from './notification-settings.repository';
import { ActivityItem, activityMail, digestMail } from './templates/activity.templates';

export const ACTIVITY_JOB = 'mail.activity';
export const DIGEST_JOB = 'mail.digest';
const ACTIVITY_BATCH_SIZE = 50;
/** Notifications per activity job and per transaction of the job. */
export const NOTIFICATIONS_PER_UNIT = 1000;
/** Readers whose due digests one statement takes. */
const DIGEST_READERS_PER_BATCH = 200;

const TYPE_SETTING: Record<string, ActivityType> = {
  reply: 'reply',
  featured: 'featured',
  moderation: 'moderation',
  followed_comment: 'followedComment',
  follow: 'follow',
};

const TYPE_LABELS: Record<ActivityType, string> = {
  reply: 'replies to your comments',
  featured: 'featured comments',
  moderation: 'moderation decisions',
  followedComment: 'comments by readers you follow',
  follow: 'new followers',
};

/** Where a notification's comment must be visible for an e-mail to mention it (the inbox shows the rest as tombstones). */
const NEEDS_VISIBLE_COMMENT = new Set(['reply', 'featured', 'followed_comment']);

/** End of the digest period a notification written at `at` belongs to (UTC hours and days). */
export function digestDueAt(digest: Exclude<Digest, 'immediate'>, at: Date): Date {
  const due = new Date(at);
  if (digest === 'hourly') due.setUTCMinutes(0, 0, 0);
  else due.setUTCHours(0, 0, 0, 0);
  return new Date(due.getTime() + (digest === 'hourly' ? 3_600_000 : 86_400_000));
}

/**
 * Activity e-mails mirror the inbox: the inbox rows written (`notifications.created`, in their transaction) are
 * queued for this job, so an e-mail exists exactly for what the inbox shows, ignores included; of the
 * followed_comment fan-out, only the rows whose recipient takes that e-mail are (`activity_mail_choices`), so a
 * 50,000-follower post queues no job of 50,000 ids to drop nearly all. The job e-mails verified
 * readers who chose that type: at once (`immediate`), or as items of their hourly or daily digest, which the
 * digest job sends as one e-mail with every item of the period. Each e-mail re-reads its items as the reader would
 * see them now (a comment hidden since, an actor ignored since, is left out).
 */
@Injectable()
export class ActivityMailService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: MailOutbox,
    private readonly links: MailLinks,
    private readonly settings: NotificationSettingsRepository,
    private readonly digests: DigestItemsRepository,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
    private readonly articles: ArticlesService,
    private readonly jobs: JobQueue,
    events: DomainEvents,
    hooks: AccountHooks,
  ) {
    // The fan-out names only the rows its recipients want mailed; a job holds at most one unit's worth of them.
    events.onInTransaction('notifications.created', async (event) => {
      const ids = event.notifications.map((notification) => notification.id);
      for (let start = 0; start < ids.length; start += NOTIFICATIONS_PER_UNIT) {
        await this.jobs.enqueue(ACTIVITY_JOB, { notificationIds: ids.slice(start, start + NOTIFICATIONS_PER_UNIT) });
      }
    });
    jobs.define({
      name: ACTIVITY_JOB,
      batchSize: ACTIVITY_BATCH_SIZE,
      concurrency: 2,
      batchHandler: async (data) => {
        const ids = (data as { notificationIds: string[] }[]).flatMap((job) => job.notificationIds);
        // Up to ACTIVITY_BATCH_SIZE jobs of up to NOTIFICATIONS_PER_UNIT ids each: a bounded slice per transaction.
        for (let start = 0; start < ids.length; start += NOTIFICATIONS_PER_UNIT) await this.mailNotifications(ids.slice(start, start + NOTIFICATIONS_PER_UNIT));
      },
    });
    // Every five minutes: a digest goes out within five minutes of its period's end.
    jobs.define({
      name: DIGEST_JOB,
      cron: '*/5 * * * *',
      retryLimit: 3,
      handler: async (data) => {
        const at = (data as { at?: string }).at;
        await this.sendDueDigests(at ? new Date(at) : new Date());
      },
    });
    hooks.onErase((userId) => this.digests.deleteForUser(userId));
  }

  /** The activity job: immediate e-mails, or digest items, for the notifications that qualify. */
  async mailNotifications(ids: string[]): Promise<void> {
    await this.unitOfWork.run(async () => {
      const { items, recipients, settings } = await this.readable([...new Set(ids)]);
      const later: { notificationId: string; userId: string; type: string; dueAt: Date }[] = [];
      const now = new Date();
      for (const { notification, item } of items) {
        const recipient = recipients.get(notification.recipientId) as User;
        const chosen = settings.get(recipient.id) ?? DEFAULT_SETTINGS;
        const type = TYPE_SETTING[notification.type];
        if (!chosen.email[type]) continue;
        if (chosen.digest !== 'immediate') {
          later.push({ notificationId: notification.id, userId: recipient.id, type: notification.type, dueAt: digestDueAt(chosen.digest, now) });
          continue;
        }
        const unsubscribeUrl = this.links.unsubscribe(recipient.id, type);
        await this.outbox.queue({
          idempotencyKey: `activity:${notification.id}`,
          kind: `activity_${notification.type}`,
          userId: recipient.id,
          to: recipient.email as string,
          mail: activityMail(item, { unsubscribeUrl, settingsUrl: this.links.settings(), typeLabel: TYPE_LABELS[type] }),
          headers: unsubscribeHeaders(unsubscribeUrl),
        });
      }
      await this.digests.insert(later);
    });
  }

  /** The digest job: one e-mail per reader with every item due by `at`; returns how many digests were queued. */
  async sendDueDigests(at: Date): Promise<number> {
    let queued = 0;
    for (;;) {
      const batch = await this.unitOfWork.run(async () => {
        const due = await this.digests.takeDue(at, DIGEST_READERS_PER_BATCH);
        if (due.length === 0) return null;
        const { items, recipients, settings } = await this.readable(due.map((row) => row.notificationId));
        const byReader = new Map<string, ActivityItem[]>();
        const idsByReader = new Map<string, string[]>();
        for (const { notification, item } of items) {
          const chosen = settings.get(notification.recipientId) ?? DEFAULT_SETTINGS;
          if (!chosen.email[TYPE_SETTING[notification.type]]) continue;
          byReader.set(notification.recipientId, [...(byReader.get(notification.recipientId) ?? []), item]);
          idsByReader.set(notification.recipientId, [...(idsByReader.get(notification.recipientId) ?? []), notification.id]);
        }
        for (const [userId, readerItems] of byReader) {
          const recipient = recipients.get(userId) as User;
          const period = (settings.get(userId) ?? DEFAULT_SETTINGS).digest === 'hourly' ? 'hourly' : 'daily';
          const unsubscribeUrl = this.links.unsubscribe(userId, 'all');
          await this.outbox.queue({
            idempotencyKey: `digest:${userId}:${(idsByReader.get(userId) as string[]).sort()[0]}`,
            kind: 'activity_digest',
            userId,
            to: recipient.email as string,
            mail: digestMail(readerItems, period, { unsubscribeUrl, settingsUrl: this.links.settings() }),
            headers: unsubscribeHeaders(unsubscribeUrl),
          });
        }
        return byReader.size;
      });
      if (batch === null) return queued;
      queued += batch;
    }
  }

  /** The notifications among `ids` an e-mail may mention, as items, with their verified recipients and settings. */
  private async readable(ids: string[]): Promise<{
    items: { notification: MailableNotification; item: ActivityItem }[];
    recipients: Map<string, User>;
    settings: Map<string, Settings>;
  }> {
    const found = (await this.notifications.findForMail(ids)).filter(
      (notification) => TYPE_SETTING[notification.type] && (!NEEDS_VISIBLE_COMMENT.has(notification.type) || notification.status === 'visible'),
    );
    const accounts = await this.users.findAccounts(found.flatMap((notification) => [notification.recipientId, ...(notification.actorId ? [notification.actorId] : [])]));
    const byId = new Map(accounts.map((account) => [account.id, account]));
    const recipients = new Map(
      found
        .map((notification) => byId.get(notification.recipientId))
        .filter((account): account is User => !!account && !!account.email && account.emailVerifiedAt !== null)
        .map((account) => [account.id, account]),
    );
    const mailable = found.filter((notification) => recipients.has(notification.recipientId));
    const [settings, articles] = await Promise.all([
      this.settings.findMany([...recipients.keys()]),
      this.articles.links(mailable.map((notification) => notification.articleId).filter((id): id is string => id !== null)),
    ]);
    const items = mailable.map((notification) => {
      const article = notification.articleId ? articles.get(notification.articleId) : undefined;
      const actor = notification.actorId ? byId.get(notification.actorId) : undefined;
      const item: ActivityItem = {
        type: notification.type as ActivityItem['type'],
        actorName: actor?.displayName ?? null,
        excerpt: notification.status === 'visible' ? notification.excerpt : null,
        articleTitle: article?.title ?? null,
        url: notification.commentId ? this.links.comment(article?.url ?? null, notification.commentId) : this.links.site(),
        outcome: notification.type === 'moderation' ? (notification.status === 'visible' ? 'approved' : 'hidden') : undefined,
      };
      return { notification, item };
    });
    return { items, recipients, settings };
  }
}

/** RFC 8058 one-click unsubscribe (RFC 2369 `List-Unsubscribe` with an https link that accepts POST). */
function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
