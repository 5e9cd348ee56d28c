/// <reference lib="dom" />
import type { Locator, Page } from 'playwright-core';
import { createArticle } from '../factories/articles.factory';
import { postCommentAs } from '../factories/comments-direct.factory';
import { reportComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, type RegisteredReader } from '../factories/users.factory';
import { type BrowserTestApp, newContext, screenshot, seriousAccessibilityViolations, startBrowserTestApp } from './support/browser';

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
    // A database of its own: the queues hold only this test's comments, and pending needs a site-wide banned word.
    s = await startBrowserTestApp({}, true);
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
    await page.goto(`${s.baseUrl}/console/?poll=1`);
    await page.getByRole('heading', { name: 'Margin moderation' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Reported queue' }).waitFor();
    await item(page, single).waitFor();
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

    // x selects three; h hides them together.
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

    // A report made elsewhere shows up in the open queue without a reload.
    const late = await postCommentAs(s.t, { articleId: article.id, author, body: 'Reported while the console is open' });
    await reportComment(s.t.http, reporter, late.id, 'harassment');
    await item(page, late.id).waitFor();

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
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await drawer.getByLabel('Reason (kept in the audit log)').fill('Spam run on the harbour story');
    await drawer.getByLabel('Suspend until').fill('2099-01-01T12:00');
    await drawer.getByRole('button', { name: 'Suspend' }).click();
    await drawer.getByText('Suspended', { exact: true }).waitFor();
    const [{ suspended_until }]: { suspended_until: Date | null }[] = await s.t.db.query('SELECT suspended_until FROM users WHERE id = $1', [author.id]);
    expect(suspended_until?.getUTCFullYear()).toBe(2099);
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

    // Settings round-trip through the form.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel(/^Banned words/).fill('heldforreviewbytestword\nscoundrel');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Saved at/).waitFor();
    const settings = await s.t.http.get('/api/v1/admin/settings/moderation').set(admin.auth).expect(200);
    expect(settings.body.bannedWords).toEqual(expect.arrayContaining(['scoundrel']));
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
