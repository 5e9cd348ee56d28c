import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { DIGEST_JOB } from '../../src/mail/activity-mail.service';
import { createArticle, TestArticle } from '../factories/articles.factory';
import { postComment } from '../factories/comments.factory';
import { follow, ignore } from '../factories/follows.factory';
import { registerReader, registerStaff, RegisteredReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { expectProblem } from '../support/problem';
import { ReceivedMail, SmtpSink, tokenFrom } from '../support/smtp-sink';
import { TestApp } from '../support/test-app';

const SITE = 'https://news.example';
const DEFAULTS = { email: { reply: true, featured: true, moderation: true, followedComment: false, follow: false }, digest: 'immediate' };

describe('activity e-mails, settings and unsubscribe (e2e)', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let jobs: JobQueue;
  let article: TestArticle;

  beforeAll(async () => {
    await sink.start();
    t = await createIsolatedTestApp({ SMTP_URL: sink.url });
    jobs = t.app.get(JobQueue);
    article = await createArticle(t.http, { title: 'Harbour <fire> & "smoke"' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const deliver = () => jobs.drain();
  const activity = (reader: RegisteredReader): ReceivedMail[] =>
    sink.to(reader.email).filter((mail) => mail.subject !== 'Confirm your e-mail address');

  async function verifiedReader(): Promise<RegisteredReader> {
    const reader = await registerReader(t.http);
    await deliver();
    const [mail] = sink.to(reader.email);
    await t.http.post('/api/v1/auth/verify-email').send({ token: tokenFrom(mail.text, `${SITE}/verify-email`) }).expect(204);
    return reader;
  }

  const putSettings = (reader: RegisteredReader, body: object) => t.http.put('/api/v1/me/notification-settings').set(reader.auth).send(body);

  describe('settings', () => {
    it('starts with reply, featured and moderation on, the rest off, immediate; PUT changes and GET reads them', async () => {
      const reader = await registerReader(t.http);
      expect((await t.http.get('/api/v1/me/notification-settings').set(reader.auth).expect(200)).body).toEqual(DEFAULTS);
      const chosen = { email: { reply: false, featured: true, moderation: false, followedComment: true, follow: true }, digest: 'daily' };
      expect((await putSettings(reader, chosen).expect(200)).body).toEqual(chosen);
      expect((await t.http.get('/api/v1/me/notification-settings').set(reader.auth).expect(200)).body).toEqual(chosen);
      expectProblem(await t.http.get('/api/v1/me/notification-settings'), 401, 'UNAUTHENTICATED');
    });

    it.each([
      ['a digest that does not exist', { ...DEFAULTS, digest: 'weekly' }],
      ['a missing type', { email: { reply: true, featured: true, moderation: true, followedComment: false }, digest: 'hourly' }],
      ['a string for a boolean', { email: { ...DEFAULTS.email, reply: 'yes' }, digest: 'hourly' }],
      ['an unknown type', { email: { ...DEFAULTS.email, digest: true }, digest: 'hourly' }],
      ['an unknown field', { ...DEFAULTS, sms: true }],
      ['no email object', { digest: 'hourly' }],
    ])('refuses %s with 400', async (_, body) => {
      const reader = await registerReader(t.http);
      expectProblem(await putSettings(reader, body), 400, 'VALIDATION_FAILED');
    });
  });

  describe('immediate e-mails', () => {
    it('a reply e-mails a verified author once, with the comment\'s link, escaped text and one-click unsubscribe headers', async () => {
      const author = await verifiedReader();
      const replier = await registerReader(t.http, { displayName: `<b>Bold</b> ${Date.now().toString(36)}` });
      const parent = await postComment(t.http, author, article.id);
      const reply = await postComment(t.http, replier, article.id, { parentId: parent.id, body: '<script>alert(1)</script> & more' });
      await deliver();
      const mails = activity(author);
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail.subject).toBe(`${replier.displayName} replied to your comment on “${article.title}”`);
      expect(mail.text).toContain(`${article.url}#margin-comment-${reply.id}`);
      expect(mail.html).toContain(`href="${article.url}#margin-comment-${reply.id}"`);
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
      expect(mail.html).toContain('&lt;b&gt;Bold&lt;/b&gt;');
      expect(mail.html).toContain('Harbour &lt;fire&gt; &amp; &quot;smoke&quot;');
      // Long header lines are folded on the wire; unfolded they are one line.
      const unsubscribe = (mail.headerLines.find((line) => line.key === 'list-unsubscribe')?.line ?? '').replace(/\r?\n\s+/g, ' ');
      expect(unsubscribe).toMatch(new RegExp(`^List-Unsubscribe: <${SITE}/api/v1/email/unsubscribe\\?token=[A-Za-z0-9_.-]+>$`));
      expect(mail.headerLines.find((line) => line.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

      // The inbox has it too: e-mail and inbox together, not one instead of the other.
      const inbox = (await t.http.get('/api/v1/me/notifications').set(author.auth).expect(200)).body.items;
      expect(inbox.map((item: { type: string }) => item.type)).toEqual(['reply']);
      // A job that runs again sends nothing more.
      await deliver();
      expect(activity(author)).toHaveLength(1);
    });

    it('sends nothing to an unverified reader, for an ignored replier, or for a reply hidden before it went out', async () => {
      const unverified = await registerReader(t.http);
      const author = await verifiedReader();
      const ignored = await registerReader(t.http);
      const other = await registerReader(t.http);
      const moderator = await registerStaff(t.http, t.db, 'moderator');
      await ignore(t.http, author, ignored);
      await postComment(t.http, other, article.id, { parentId: (await postComment(t.http, unverified, article.id)).id });
      const parent = await postComment(t.http, author, article.id);
      await postComment(t.http, ignored, article.id, { parentId: parent.id });
      const hiddenReply = await postComment(t.http, other, article.id, { parentId: parent.id });
      await t.http.post(`/api/v1/admin/comments/${hiddenReply.id}/hide`).set(moderator.auth).send({ reason: 'abuse' }).expect(200);
      await deliver();
      expect(activity(unverified)).toHaveLength(0);
      expect(activity(author)).toHaveLength(0);
    });

    it('follows and comments by followed readers e-mail only readers who switched them on; featured and moderation are on by default', async () => {
      const reader = await verifiedReader();
      const writer = await verifiedReader();
      const moderator = await registerStaff(t.http, t.db, 'moderator');
      await follow(t.http, writer, reader);
      await deliver();
      expect(activity(reader)).toHaveLength(0);

      await putSettings(reader, { email: { ...DEFAULTS.email, follow: true, followedComment: true }, digest: 'immediate' }).expect(200);
      await follow(t.http, reader, writer);
      const post = await postComment(t.http, writer, article.id);
      await deliver();
      expect(activity(writer).map((mail) => mail.subject)).toEqual([]); // follow is off for the writer
      expect(activity(reader).map((mail) => mail.subject)).toEqual([`${writer.displayName}, whom you follow, commented on “${article.title}”`]);

      await t.http.post(`/api/v1/admin/comments/${post.id}/feature`).set(moderator.auth).send({}).expect(200);
      await deliver();
      await t.http.post(`/api/v1/admin/comments/${post.id}/hide`).set(moderator.auth).send({ reason: 'spam' }).expect(200);
      await deliver();
      expect(activity(writer).map((mail) => mail.subject)).toEqual([
        `A moderator featured your comment on “${article.title}”`,
        `Your comment on “${article.title}” was hidden by a moderator`,
      ]);
    });
  });

  describe('one-click unsubscribe', () => {
    it('POST with the header\'s link switches that type off (200); GET answers a short page with nothing about the reader', async () => {
      const author = await verifiedReader();
      const replier = await registerReader(t.http);
      const parent = await postComment(t.http, author, article.id);
      await postComment(t.http, replier, article.id, { parentId: parent.id });
      await deliver();
      const [mail] = activity(author);
      const url = /<([^>]+)>/.exec(mail.headerLines.find((line) => line.key === 'list-unsubscribe')?.line ?? '')?.[1] ?? '';
      const path = url.replace(SITE, '');
      // What a mail client sends for RFC 8058.
      const response = await t.http.post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
      expect(response.body).toEqual({ unsubscribed: ['reply'] });
      expect((await t.http.get('/api/v1/me/notification-settings').set(author.auth).expect(200)).body).toEqual({
        ...DEFAULTS,
        email: { ...DEFAULTS.email, reply: false },
      });
      await postComment(t.http, replier, article.id, { parentId: parent.id });
      await deliver();
      expect(activity(author)).toHaveLength(1);

      const page = await t.http.get(path).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('You are unsubscribed');
      expect(page.text).not.toContain(author.email);
      expect(page.text).not.toContain(author.displayName);
      expectProblem(await t.http.post('/api/v1/email/unsubscribe?token=forged.token'), 400, 'INVALID_TOKEN');
      // A form body is taken by this route only.
      expectProblem(await t.http.post('/api/v1/auth/login').type('form').send('email=a'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await t.http.post('/api/v1/email/unsubscribe'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('digests', () => {
    it('an hourly reader gets one e-mail with every item of the hour, when the digest job runs after the hour', async () => {
      const author = await verifiedReader();
      const repliers = [await registerReader(t.http), await registerReader(t.http)];
      await putSettings(author, { ...DEFAULTS, digest: 'hourly' }).expect(200);
      const parent = await postComment(t.http, author, article.id);
      for (const replier of repliers) await postComment(t.http, replier, article.id, { parentId: parent.id });
      await deliver();
      expect(activity(author)).toHaveLength(0);

      // The digest job at a time we choose: before the hour is over, nothing; after it, one e-mail.
      await jobs.send(DIGEST_JOB, { at: new Date().toISOString() });
      await deliver();
      expect(activity(author)).toHaveLength(0);
      await jobs.send(DIGEST_JOB, { at: new Date(Date.now() + 3_600_000).toISOString() });
      await deliver();
      const mails = activity(author);
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toBe('2 new notifications this hour');
      for (const replier of repliers) expect(mails[0].text).toContain(`${replier.displayName} replied to your comment`);
      expect(mails[0].headerLines.find((line) => line.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

      // Nothing is sent twice, and the digest's link switches every activity e-mail off.
      await jobs.send(DIGEST_JOB, { at: new Date(Date.now() + 7_200_000).toISOString() });
      await deliver();
      expect(activity(author)).toHaveLength(1);
      const url = /<([^>]+)>/.exec(mails[0].headerLines.find((line) => line.key === 'list-unsubscribe')?.line ?? '')?.[1] ?? '';
      await t.http.post(url.replace(SITE, '')).expect(200);
      expect((await t.http.get('/api/v1/me/notification-settings').set(author.auth).expect(200)).body.email).toEqual({
        reply: false, featured: false, moderation: false, followedComment: false, follow: false,
      });
    });

    it('a daily reader\'s items wait for the end of the day', async () => {
      const author = await verifiedReader();
      const replier = await registerReader(t.http);
      await putSettings(author, { ...DEFAULTS, digest: 'daily' }).expect(200);
      const parent = await postComment(t.http, author, article.id);
      await postComment(t.http, replier, article.id, { parentId: parent.id });
      await deliver();
      const endOfDay = new Date();
      endOfDay.setUTCHours(24, 0, 0, 0);
      await jobs.send(DIGEST_JOB, { at: new Date(endOfDay.getTime() - 1000).toISOString() });
      await deliver();
      expect(activity(author)).toHaveLength(0);
      await jobs.send(DIGEST_JOB, { at: endOfDay.toISOString() });
      await deliver();
      expect(activity(author).map((mail) => mail.subject)).toEqual(['1 new notification today']);
    });
  });
});
