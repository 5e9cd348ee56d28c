import { ACTIVITY_JOB, DIGEST_JOB, NOTIFICATIONS_PER_UNIT } from '../../src/mail/activity-mail.service';
import { DEFAULT_SETTINGS } from '../../src/mail/notification-settings.repository';
import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { FAN_OUT_BATCH_SIZE, FAN_OUT_JOB, FAN_OUT_LARGE_JOB } from '../../src/notifications/notification-producer';
import { createArticle, TestArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { follow, ignore, seedFollowers } from '../factories/follows.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { ReceivedMail, SmtpSink } from '../support/smtp-sink';
import { TestApp } from '../support/test-app';

/**
 * Issue 14: the followed_comment fan-out hands the e-mail job only the rows whose recipient takes that e-mail
 * (verified, setting on), chosen in the fan-out statement; before, it handed on every follower's id and the job
 * loaded them all to drop nearly all. A database of its own, so the queue holds only this file's jobs.
 */
describe('followed_comment e-mails from the fan-out (e2e)', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let jobs: JobQueue;
  let article: TestArticle;

  beforeAll(async () => {
    await sink.start();
    t = await createIsolatedTestApp({ SMTP_URL: sink.url });
    jobs = t.app.get(JobQueue);
    article = await createArticle(t.http);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const activity = (reader: RegisteredReader): ReceivedMail[] =>
    sink.to(reader.email).filter((mail) => mail.subject !== 'Confirm your e-mail address');
  const putSettings = (reader: RegisteredReader, email: object, digest = 'immediate') =>
    t.http.put('/api/v1/me/notification-settings').set(reader.auth).send({ email: { ...DEFAULT_SETTINGS.email, ...email }, digest }).expect(200);

  async function reader(options: { verified: boolean; followedComment?: boolean; digest?: string }): Promise<RegisteredReader> {
    const account = await registerReader(t.http);
    if (options.verified) await t.db.query(`UPDATE users SET email_verified_at = now() WHERE id = $1`, [account.id]);
    if (options.followedComment !== undefined || options.digest) await putSettings(account, { followedComment: options.followedComment ?? false }, options.digest);
    return account;
  }

  /** The notification ids every activity job queued since `since` names (jobs keep their data once done). */
  async function activityJobIds(since: Date): Promise<{ jobs: number; ids: string[]; maxIds: number }> {
    const rows: { ids: string[] }[] = await t.db.query(
      `SELECT ARRAY(SELECT jsonb_array_elements_text(data->'notificationIds')) AS ids FROM pgboss.job WHERE name = $1 AND created_on >= $2`,
      [ACTIVITY_JOB, since],
    );
    return { jobs: rows.length, ids: rows.flatMap((row) => row.ids), maxIds: Math.max(0, ...rows.map((row) => row.ids.length)) };
  }

  async function notificationOf(recipientId: string, commentId: string): Promise<string> {
    const [row] = await t.db.query(`SELECT id FROM notifications WHERE recipient_id = $1 AND comment_id = $2 AND type = 'followed_comment'`, [
      recipientId,
      commentId,
    ]);
    return row.id;
  }

  const now = async (): Promise<Date> => (await t.db.query(`SELECT clock_timestamp() AS at`))[0].at;

  it('a post whose 1,000 followers mostly take no e-mail queues only the few who do, and each of those gets exactly one', async () => {
    const author = await registerReader(t.http);
    await seedFollowers(t.db, author.id, 1000); // unverified, default settings: no followed_comment e-mail
    const immediate = await reader({ verified: true, followedComment: true });
    const hourly = await reader({ verified: true, followedComment: true, digest: 'hourly' });
    const ignoring = await reader({ verified: true, followedComment: true });
    const settingOff = await reader({ verified: true });
    const unverified = await reader({ verified: false, followedComment: true });
    for (const follower of [immediate, hourly, ignoring, settingOff, unverified]) await follow(t.http, follower, author);
    await ignore(t.http, ignoring, author);
    await jobs.drain();
    const since = await now();

    const post = await postComment(t.http, author, article.id);
    await jobs.workUntilEmpty(FAN_OUT_JOB);

    // The inbox has every follower's row; the e-mail job names the two who take that e-mail, nobody else.
    const [{ count: inbox }] = await t.db.query(`SELECT count(*)::int AS count FROM notifications WHERE comment_id = $1 AND type = 'followed_comment'`, [post.id]);
    expect(inbox).toBe(1004); // 1,000 + 5 followers, less the one who ignores the author
    const queued = await activityJobIds(since);
    expect(queued.ids.sort()).toEqual([await notificationOf(immediate.id, post.id), await notificationOf(hourly.id, post.id)].sort());
    expect(queued.jobs).toBe(1);

    await jobs.drain();
    const subject = `${author.displayName}, whom you follow, commented on “${article.title}”`;
    expect(activity(immediate).map((mail) => mail.subject)).toEqual([subject]);
    for (const other of [hourly, ignoring, settingOff, unverified]) expect(activity(other)).toEqual([]);
    await jobs.send(DIGEST_JOB, { at: new Date(Date.now() + 3_600_000).toISOString() });
    await jobs.drain();
    expect(activity(hourly).map((mail) => mail.subject)).toEqual(['1 new notification this hour']);
    expect(activity(hourly)[0].text).toContain(`${author.displayName}, whom you follow, commented`);

    // The fan-out queued again and the e-mail job retried with the same ids: nothing more goes out, to anyone.
    const [fanOut] = await t.db.query(`SELECT data FROM pgboss.job WHERE name = $1 AND data->>'commentId' = $2`, [FAN_OUT_JOB, post.id]);
    await jobs.send(FAN_OUT_JOB, fanOut.data);
    await jobs.send(ACTIVITY_JOB, { notificationIds: queued.ids });
    await jobs.drain();
    await jobs.send(DIGEST_JOB, { at: new Date(Date.now() + 7_200_000).toISOString() });
    await jobs.drain();
    expect(activity(immediate)).toHaveLength(1);
    expect(activity(hourly)).toHaveLength(1);
    for (const other of [ignoring, settingOff, unverified]) expect(activity(other)).toEqual([]);
  });

  it('a large author\'s followers, chunk by chunk, name only the readers who take the e-mail; a post hidden meanwhile sends none', async () => {
    const author = await registerReader(t.http);
    await seedFollowers(t.db, author.id, FAN_OUT_BATCH_SIZE * 2 + 5);
    const wanting = await reader({ verified: true, followedComment: true });
    await follow(t.http, wanting, author);
    const moderator = await registerStaff(t.http, t.db, 'moderator');
    await jobs.drain();

    const since = await now();
    const post = await postComment(t.http, author, article.id);
    await jobs.workUntilEmpty(FAN_OUT_JOB);
    await jobs.workUntilEmpty(FAN_OUT_LARGE_JOB);
    expect((await activityJobIds(since)).ids).toEqual([await notificationOf(wanting.id, post.id)]);
    await jobs.drain();
    expect(activity(wanting).map((mail) => mail.subject)).toEqual([`${author.displayName}, whom you follow, commented on “${article.title}”`]);

    // Hidden after its fan-out, before the e-mail job: the inbox row stays (a tombstone there), no e-mail goes.
    const hiddenSince = await now();
    const hidden = await postComment(t.http, author, article.id);
    await jobs.workUntilEmpty(FAN_OUT_JOB);
    await jobs.workUntilEmpty(FAN_OUT_LARGE_JOB);
    expect((await activityJobIds(hiddenSince)).ids).toEqual([await notificationOf(wanting.id, hidden.id)]);
    await t.http.post(`/api/v1/admin/comments/${hidden.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
    await jobs.drain();
    expect(activity(wanting)).toHaveLength(1);
  });

  it('bounds every job: a post whose 1,500 followers all take the e-mail is split into jobs of NOTIFICATIONS_PER_UNIT ids', async () => {
    const author = await registerReader(t.http);
    const ids = await seedFollowers(t.db, author.id, 1500);
    await t.db.query(`UPDATE users SET email_verified_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
    await t.db.query(`INSERT INTO notification_settings (user_id, followed_comment) SELECT unnest($1::uuid[]), true`, [ids]);
    await jobs.drain();
    const since = await now();
    await postComment(t.http, author, article.id);
    await jobs.workUntilEmpty(FAN_OUT_JOB);
    const queued = await activityJobIds(since);
    expect(new Set(queued.ids).size).toBe(1500);
    expect(queued.ids).toHaveLength(1500);
    expect(queued.maxIds).toBeLessThanOrEqual(NOTIFICATIONS_PER_UNIT);
  });

  it('reads each reader\'s choices as the e-mail job does: settings or the defaults, verified accounts only', async () => {
    const fresh = await reader({ verified: true });
    const [defaults] = await t.db.query(`SELECT reply, featured, moderation, followed_comment, follow FROM activity_mail_choices WHERE user_id = $1`, [fresh.id]);
    const { reply, featured, moderation, followedComment, follow: follows } = DEFAULT_SETTINGS.email;
    expect(defaults).toEqual({ reply, featured, moderation, followed_comment: followedComment, follow: follows });
    const unverified = await reader({ verified: false, followedComment: true });
    expect(await t.db.query(`SELECT * FROM activity_mail_choices WHERE user_id = $1`, [unverified.id])).toEqual([]);
  });
});
