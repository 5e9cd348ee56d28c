/// <reference lib="dom" />
import type { Locator, Page } from 'playwright-core';
import { createArticle } from '../factories/articles.factory';
import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { DELIVER_JOB } from '../../src/webhooks/webhook-dispatcher';
import { postCommentAs } from '../factories/comments-direct.factory';
import { postComment, reportComment } from '../factories/moderation.factory';
import { WebhookReceiver } from '../support/webhook-receiver';
import { registerReader, registerStaff, type RegisteredReader } from '../factories/users.factory';
import { type BrowserTestApp, newContext, screenshot, seriousAccessibilityViolations, startBrowserTestApp } from './support/browser';

const WEBHOOK_SECRET = 'whsec-console-0123456789abcdef';

/** Presses j (or k) until the queue's current item is that comment: moderators move with the keyboard. */
async function moveTo(page: Page, commentId: string): Promise<void> {
  const ids = await page.locator('ol.queue > li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.commentId));
  const target = ids.indexOf(commentId);
  if (target < 0) throw new Error(`comment ${commentId} is not in the queue`);
  const current = ids.indexOf(await page.locator('ol.queue > li[aria-current="true"]').getAttribute('data-comment-id').then((id) => id ?? ''));
  const key = target > current ? 'j' : 'k';
  for (let step = 0; step < Math.abs(target - Math.max(current, 0)); step += 1) await page.keyboard.press(key);
  await page.locator(`ol.queue > li[aria-current="true"][data-comment-id="${commentId}"]`).waitFor();
}

async function statusOf(s: BrowserTestApp, commentId: string): Promise<string> {
  const [row]: { status: string }[] = await s.t.db.query('SELECT status FROM comments WHERE id = $1', [commentId]);
  return row.status;
}

function item(page: Page, commentId: string): Locator {
  return page.locator(`ol.queue > li[data-comment-id="${commentId}"]`);
}

describe('moderator console in Chromium (browser)', () => {
  let s: BrowserTestApp;
  let admin: RegisteredReader;

  beforeAll(async () => {
    // A database of its own: the queues hold only this test's comments, pending needs a site-wide banned word, and
    // webhooks get every event of the database (the receiver is on loopback, allowed for this test only).
    s = await startBrowserTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, true);
    admin = await registerStaff(s.t.http, s.t.db, 'admin');
  }, 60_000);
  afterAll(() => s?.close());

  it('a moderator hides and approves with the keyboard, bulk-hides three, and sees the reported queue update', async () => {
    const article = await createArticle(s.t.http);
    const author = await registerReader(s.t.http);
    const reporter = await registerReader(s.t.http);
    const reported: string[] = [];
    for (const body of ['Buy cheap watches here', 'Spam one', 'Spam two', 'Spam three']) {
      const comment = await postCommentAs(s.t, { articleId: article.id, author, body });
      await reportComment(s.t.http, reporter, comment.id, 'spam');
      reported.push(comment.id);
    }
    const [single, ...three] = reported;
    const pending = await postCommentAs(s.t, { articleId: article.id, author, status: 'pending', body: 'Held for review' });

    const { page, context, errors } = await newContext(s.browser);
    // What the console asks of the moderation endpoints; the queue's poll is an hour, so what changes comes from the stream.
    const moderationCalls: Array<{ method: string; path: string; body: unknown }> = [];
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/api/v1/admin/comments/')) moderationCalls.push({ method: request.method(), path: pathname, body: request.postDataJSON() as unknown });
    });
    await page.goto(`${s.baseUrl}/console/?poll=3600`);
    await page.getByRole('heading', { name: 'Margin moderation' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Reported queue' }).waitFor();
    await item(page, single).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'console-queue');

    // ? shows the shortcuts.
    await page.keyboard.press('?');
    await page.getByRole('region', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('?');

    // j/k to the comment, h, a note, Enter: hidden with the reason and the note in the audit log.
    await moveTo(page, single);
    await page.keyboard.press('h');
    await page.getByRole('dialog', { name: 'Hide this comment' }).waitFor();
    await page.locator('#hide-reason:focus').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Advert for watches');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await item(page, single).waitFor({ state: 'detached' });
    expect(await statusOf(s, single)).toBe('hidden');
    const audit = await s.t.http.get('/api/v1/admin/audit-log').set(admin.auth).expect(200);
    expect(audit.body.items[0]).toEqual(expect.objectContaining({ action: 'comment.hide', targetId: single, reason: 'abuse', note: 'Advert for watches' }));

    // x selects three; h hides them together, in one request to the bulk endpoint.
    moderationCalls.length = 0;
    for (const id of three) {
      await moveTo(page, id);
      await page.keyboard.press('x');
    }
    await page.getByText('3 selected').waitFor();
    await page.keyboard.press('h');
    await page.getByRole('dialog', { name: 'Hide 3 comments' }).waitFor();
    await page.locator('#hide-reason:focus').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type('Spam run');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('hide: 3 done').waitFor();
    for (const id of three) {
      await item(page, id).waitFor({ state: 'detached' });
      expect(await statusOf(s, id)).toBe('hidden');
    }
    expect(moderationCalls).toEqual([{ method: 'POST', path: '/api/v1/admin/comments/bulk', body: { ids: three, action: 'hide', reason: 'abuse', note: 'Spam run' } }]);

    // A report made elsewhere shows up in the open queue from the moderators' stream (the poll is an hour away).
    const late = await postCommentAs(s.t, { articleId: article.id, author, body: 'Reported while the console is open' });
    await reportComment(s.t.http, reporter, late.id, 'harassment');
    await item(page, late.id).waitFor();
    // Another moderator hides one elsewhere: it leaves the open queue.
    const elsewhere = await postCommentAs(s.t, { articleId: article.id, author, body: 'Hidden by someone else' });
    await reportComment(s.t.http, reporter, elsewhere.id, 'abuse');
    await item(page, elsewhere.id).waitFor();
    await s.t.http.post(`/api/v1/admin/comments/${elsewhere.id}/hide`).set(admin.auth).send({ reason: 'abuse' }).expect(200);
    await item(page, elsewhere.id).waitFor({ state: 'detached' });

    // f features the current comment.
    await moveTo(page, late.id);
    await page.keyboard.press('f');
    await item(page, late.id).getByRole('button', { name: 'Unfeature' }).waitFor();
    const [{ featured }]: { featured: boolean }[] = await s.t.db.query('SELECT featured FROM comments WHERE id = $1', [late.id]);
    expect(featured).toBe(true);

    // The pending queue: a approves.
    await page.getByRole('link', { name: 'Pending' }).click();
    await page.getByRole('heading', { name: 'Pending queue' }).waitFor();
    await item(page, pending.id).waitFor();
    await moveTo(page, pending.id);
    await page.keyboard.press('a');
    await item(page, pending.id).waitFor({ state: 'detached' });
    expect(await statusOf(s, pending.id)).toBe('visible');

    // The hidden queue holds the four; the reader drawer opens from a name.
    await page.getByRole('link', { name: 'Hidden' }).click();
    await item(page, single).waitFor();
    await item(page, single).getByRole('button', { name: author.displayName }).click();
    const drawer = page.locator('aside.drawer');
    await drawer.getByRole('heading', { name: author.displayName, level: 2 }).waitFor();
    await drawer.getByText('Reported while the console is open').waitFor();
    // Their standing as GET /admin/users/:id tells it: e-mail, comments by status, reports.
    const standing = (await s.t.http.get(`/api/v1/admin/users/${author.id}`).set(admin.auth).expect(200)).body as {
      commentCounts: Record<'visible' | 'pending' | 'hidden' | 'deleted', number>;
      reportCount: number;
      openReportCount: number;
    };
    expect(standing.commentCounts.hidden).toBe(5);
    await drawer.getByText(author.email).waitFor();
    const { visible, pending: held, hidden, deleted } = standing.commentCounts;
    await drawer.getByText(`${visible} visible, ${held} pending, ${hidden} hidden, ${deleted} deleted`).waitFor();
    await drawer.getByText(`${standing.reportCount} (${standing.openReportCount} open)`).waitFor();
    // The status filter asks for their hidden comments only.
    await drawer.getByLabel('Status').selectOption('hidden');
    await drawer.getByText('Reported while the console is open').waitFor({ state: 'detached' });
    await drawer.getByText('Hidden by someone else').waitFor();
    expect(await drawer.locator('section[aria-label="Their comments"] li.item').count()).toBe(5);
    // A note, kept for the other moderators.
    await drawer.getByLabel('Add a note (only moderators see it)').fill('Runs a watch shop; warned once by e-mail.');
    await drawer.getByRole('button', { name: 'Save note' }).click();
    await drawer.getByRole('region', { name: 'Notes' }).getByText('Runs a watch shop; warned once by e-mail.').waitFor();
    const notes = await s.t.http.get(`/api/v1/admin/users/${author.id}/notes`).set(admin.auth).expect(200);
    expect(notes.body.items).toEqual([expect.objectContaining({ body: 'Runs a watch shop; warned once by e-mail.', author: expect.objectContaining({ id: admin.id }) })]);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await drawer.getByLabel('Reason (kept in the audit log)').fill('Spam run on the harbour story');
    await drawer.getByLabel('Suspend until').fill('2099-01-01T12:00');
    await drawer.getByRole('button', { name: 'Suspend' }).click();
    await drawer.getByText('Suspended', { exact: true }).waitFor();
    const [{ suspended_until }]: { suspended_until: Date | null }[] = await s.t.db.query('SELECT suspended_until FROM users WHERE id = $1', [author.id]);
    expect(suspended_until?.getUTCFullYear()).toBe(2099);
    // The drawer reads their standing again: the suspension is among the sanctions, with its reason.
    await drawer.getByRole('region', { name: 'Sanctions' }).getByText(/^Suspended until .* · Spam run on the harbour story$/).waitFor();
    await expect(drawer.getByText('not suspended').count()).resolves.toBe(0);
    await drawer.getByRole('button', { name: 'Close' }).click();

    // Unhide puts one back.
    await item(page, three[0]).getByRole('button', { name: 'Unhide' }).click();
    await item(page, three[0]).waitFor({ state: 'detached' });
    expect(await statusOf(s, three[0])).toBe('visible');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('every console screen passes axe: audit log, settings, appeals, donations, webhooks', async () => {
    const { page, context, errors } = await newContext(s.browser);
    await page.goto(`${s.baseUrl}/console/`);
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Reported queue' }).waitFor();
    const screens: Array<[link: string, heading: string]> = [
      ['Audit log', 'Audit log'],
      ['Settings', 'Moderation settings'],
      ['Appeals', 'Support appeals'],
      ['Donations', 'Donations'],
      ['Webhooks', 'Webhooks'],
    ];
    for (const [link, heading] of screens) {
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect({ screen: link, violations: await seriousAccessibilityViolations(page) }).toEqual({ screen: link, violations: [] });
    }

    // Every setting round-trips through the form, and the form shows what the server holds.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel(/^Banned words/).fill('heldforreviewbytestword\nscoundrel');
    await page.getByLabel(/^Suspect words/).fill('cheap watches\nscam');
    await page.getByLabel('Premoderate comments with links').check();
    await page.getByLabel(/^Close comments this many days/).fill('30');
    await page.getByLabel('URL (empty: off)').fill('https://classifier.news.example/margin');
    await page.getByLabel('Signing secret').fill('classifier-secret-1');
    await page.getByLabel(/^Timeout/).fill('1500');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Saved at/).waitFor();
    const settings = await s.t.http.get('/api/v1/admin/settings/moderation').set(admin.auth).expect(200);
    expect(settings.body).toEqual(
      expect.objectContaining({
        bannedWords: ['heldforreviewbytestword', 'scoundrel'],
        suspectWords: ['cheap watches', 'scam'],
        premoderateNewReaders: false,
        premoderateLinks: true,
        closeAfterDays: 30,
        externalModeration: { url: 'https://classifier.news.example/margin', secret: 'classifier-secret-1', timeoutMs: 1500 },
      }),
    );
    await page.reload();
    await page.getByLabel(/^Suspect words/).waitFor();
    expect(await page.getByLabel(/^Suspect words/).inputValue()).toBe('cheap watches\nscam');
    expect(await page.getByLabel('Premoderate comments with links').isChecked()).toBe(true);
    expect(await page.getByLabel(/^Close comments this many days/).inputValue()).toBe('30');
    // Emptying the URL turns the external hook off; emptying the days means never.
    await page.getByLabel('URL (empty: off)').fill('');
    await page.getByLabel(/^Close comments this many days/).fill('');
    await page.getByLabel('Premoderate comments with links').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Saved at/).waitFor();
    const off = await s.t.http.get('/api/v1/admin/settings/moderation').set(admin.auth).expect(200);
    expect(off.body).toEqual(expect.objectContaining({ externalModeration: null, closeAfterDays: null, premoderateLinks: false, suspectWords: ['cheap watches', 'scam'] }));
    await s.t.http.put('/api/v1/admin/settings/moderation').set(admin.auth).send({ bannedWords: ['heldforreviewbytestword'], premoderateNewReaders: false, suspectWords: [] }).expect(200);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('the webhooks screen adds an endpoint, shows its deliveries, edits it keeping the secret, and deletes it', async () => {
    const receiver = await WebhookReceiver.start();
    const { page, context, errors } = await newContext(s.browser);
    await page.goto(`${s.baseUrl}/console/#/webhooks`);
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();

    await page.getByLabel(/^Id/).fill('newsroom-main');
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel(/^Signing secret/).fill(WEBHOOK_SECRET);
    for (const name of ['article.commentsClosed', 'donation.succeeded', 'donation.refunded']) await page.getByLabel(name).uncheck();
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByText('Webhook newsroom-main saved').waitFor();
    const created = await s.t.http.get('/api/v1/admin/webhooks/newsroom-main').set(admin.auth).expect(200);
    expect(created.body).toEqual(expect.objectContaining({ url: receiver.url, events: ['comment.created', 'comment.moderated'] }));
    const list = page.getByRole('list', { name: 'Webhooks' });
    await list.getByText(`comment.created, comment.moderated · secret ${created.body.secretHint}`).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // A comment is posted: its delivery is on the screen.
    const article = await createArticle(s.t.http);
    const author = await registerReader(s.t.http);
    await postComment(s.t.http, author, article.id, { body: 'Sent to the newsroom' });
    await s.t.app.get(JobQueue).drain([DELIVER_JOB]);
    expect(receiver.accepted.map((webhook) => webhook.body.type)).toEqual(['comment.created']);
    await list.getByRole('button', { name: 'Deliveries' }).click();
    const deliveries = page.getByRole('table', { name: 'Deliveries of newsroom-main' });
    const row = deliveries.getByRole('row').filter({ hasText: 'comment.created' });
    await row.getByRole('cell', { name: 'succeeded' }).waitFor();
    await row.getByRole('cell', { name: '200' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Edit: the id is fixed, the secret left empty stays as it was.
    await list.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit the webhook' }).waitFor();
    expect(await page.getByLabel(/^Id/).getAttribute('readonly')).not.toBeNull();
    await page.getByLabel('comment.moderated').uncheck();
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByText('Webhook newsroom-main saved').waitFor();
    const edited = await s.t.http.get('/api/v1/admin/webhooks/newsroom-main').set(admin.auth).expect(200);
    expect(edited.body).toEqual(expect.objectContaining({ events: ['comment.created'], secretHint: created.body.secretHint }));

    // Delete (the confirmation is accepted): gone from the screen and the server.
    await list.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    await s.t.http.get('/api/v1/admin/webhooks/newsroom-main').set(admin.auth).expect(404);
    expect(errors).toEqual([]);
    await context.close();
    await receiver.stop();
  }, 60_000);
});
