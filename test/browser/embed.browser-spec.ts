/// <reference lib="dom" />
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { createArticle } from '../factories/articles.factory';
import { postComment } from '../factories/moderation.factory';
import { registerReader, registerStaff, uniqueSuffix } from '../factories/users.factory';
import { type BrowserTestApp, newContext, screenshot, seriousAccessibilityViolations, startBrowserTestApp } from './support/browser';

/** Presses Tab until `target` has the focus: the embed must be reachable with the keyboard alone. */
async function tabTo(page: Page, target: Locator, limit = 60): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    if (await target.evaluate((element) => element.matches(':focus')).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

describe('reader embed in Chromium (browser)', () => {
  let s: BrowserTestApp;
  // The newsroom's own site: another origin (another port), serving whatever page a test sets.
  let newsroomPage = '';
  const newsroom: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(newsroomPage);
  });
  let newsroomUrl: string;

  beforeAll(async () => {
    newsroom.listen(0, '127.0.0.1');
    await once(newsroom, 'listening');
    newsroomUrl = `http://127.0.0.1:${(newsroom.address() as AddressInfo).port}`;
    s = await startBrowserTestApp({ EMBED_ORIGINS: newsroomUrl });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    newsroom.close();
  });

  it('a reader registers, posts, replies, recommends, reports, follows, sees a live comment arrive, and donates', async () => {
    const article = await createArticle(s.t.http);
    const other = await registerReader(s.t.http);
    const theirs = await postComment(s.t.http, other, article.id, { body: 'The harbour needs a proper fire station.' });
    const { page, context, errors } = await newContext(s.browser);
    const embed = page.locator('margin-comments');

    // The thread requests the embed makes; its poll is an hour away, so new comments can only come from the stream.
    const threadRequests: string[] = [];
    const streams: string[] = [];
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname === `/api/v1/articles/${article.id}/comments` && request.method() === 'GET') threadRequests.push(request.url());
      if (pathname === `/api/v1/articles/${article.id}/live`) streams.push(request.url());
    });
    await page.goto(`${s.baseUrl}/embed/demo?article=${article.id}&poll=3600`);
    await embed.getByText('The harbour needs a proper fire station.').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Register through the embed's own form.
    await embed.getByRole('button', { name: 'Sign in or register' }).click();
    await embed.getByRole('button', { name: 'New here? Create an account' }).click();
    const name = `Reader ${uniqueSuffix()}`;
    await embed.getByLabel('Display name').fill(name);
    await embed.getByLabel('E-mail').fill(`${uniqueSuffix()}@example.test`);
    await embed.getByLabel(/^Password/).fill('correct horse battery');
    await embed.getByRole('button', { name: 'Create account' }).click();
    await embed.getByText(`Signed in as ${name}`).waitFor();

    // Post, then reply to the other reader.
    await embed.getByLabel('Join the conversation').fill('I was there: the crews were brilliant.');
    await embed.getByRole('button', { name: 'Post comment' }).click();
    await embed.locator('article', { hasText: 'I was there: the crews were brilliant.' }).waitFor();

    const theirComment = embed.locator(`#margin-comment-${theirs.id}`);
    await theirComment.getByRole('button', { name: 'Reply' }).click();
    await embed.getByLabel(`Reply to ${other.displayName}`).fill('Agreed, and a second boat.');
    await embed.getByRole('button', { name: 'Post reply' }).click();
    await embed.getByRole('list', { name: `Replies to ${other.displayName}` }).getByText('Agreed, and a second boat.').waitFor();

    // Recommend and report their comment.
    await theirComment.getByRole('button', { name: 'Recommend (0)' }).click();
    await theirComment.locator('button[aria-pressed="true"]', { hasText: 'Recommend (1)' }).waitFor();
    await theirComment.getByRole('button', { name: 'Report' }).click();
    await theirComment.getByLabel('Why are you reporting this comment?').selectOption('spam');
    await theirComment.getByLabel('Note for the moderators (optional)').fill('Looks like an advert');
    await theirComment.getByRole('button', { name: 'Send report' }).click();
    await embed.getByText('Thank you: the moderators will look at this comment.').waitFor();

    // Follow them from their profile.
    await theirComment.getByRole('button', { name: `${other.displayName}: open profile` }).click();
    await embed.getByRole('button', { name: 'Follow' }).click();
    await embed.locator('button[aria-pressed="true"]', { hasText: 'Following' }).waitFor();
    await embed.getByRole('button', { name: 'Back to comments' }).click();

    // What the embed did, as the API sees it.
    const moderator = await registerStaff(s.t.http, s.t.db, 'moderator');
    const comment = await s.t.http.get(`/api/v1/comments/${theirs.id}`).expect(200);
    expect(comment.body).toEqual(expect.objectContaining({ reactionCount: 1, replyCount: 1 }));
    const queue = await s.t.http.get('/api/v1/admin/queue?state=reported&limit=100').set(moderator.auth).expect(200);
    const reported = queue.body.items.find((item: { id: string }) => item.id === theirs.id);
    expect(reported.reports).toEqual([expect.objectContaining({ reason: 'spam', note: 'Looks like an advert' })]);
    const followers = await s.t.http.get(`/api/v1/users/${other.id}/followers`).expect(200);
    expect(followers.body.items.map((profile: { displayName: string }) => profile.displayName)).toEqual([name]);

    // A comment posted from another browser arrives on the article's stream (opened with the signed-in reader's
    // ticket) and waits behind the "new comments" button: no thread page was asked for meanwhile.
    expect(streams.at(-1)).toMatch(/\/live\?ticket=/);
    const threadRequestsBefore = threadRequests.length;
    const second = await newContext(s.browser);
    await second.page.goto(`${s.baseUrl}/embed/demo?article=${article.id}`);
    const secondEmbed = second.page.locator('margin-comments');
    await secondEmbed.getByRole('button', { name: 'Sign in or register' }).click();
    await secondEmbed.getByLabel('E-mail').fill(other.email);
    await secondEmbed.getByLabel(/^Password/).fill(other.password);
    await secondEmbed.getByRole('button', { name: 'Sign in', exact: true }).click();
    await secondEmbed.getByLabel('Join the conversation').fill('Live from the quay: the fire is out.');
    await secondEmbed.getByRole('button', { name: 'Post comment' }).click();
    await secondEmbed.locator('article', { hasText: 'Live from the quay' }).waitFor();
    await second.context.close();

    const newComments = embed.getByRole('button', { name: '1 new comment' });
    await newComments.waitFor();
    expect(threadRequests).toHaveLength(threadRequestsBefore);
    expect(await embed.getByText('Live from the quay: the fire is out.').count()).toBe(0);
    await newComments.click();
    await embed.getByText('Live from the quay: the fire is out.').waitFor();
    // A moderator hides it elsewhere: the stream's comment.updated turns it into a tombstone in place.
    const [{ id: quayId }]: { id: string }[] = await s.t.db.query("SELECT id FROM comments WHERE article_id = $1 AND body = 'Live from the quay: the fire is out.'", [article.id]);
    await s.t.http.post(`/api/v1/admin/comments/${quayId}/hide`).set(moderator.auth).send({ reason: 'off_topic' }).expect(200);
    await embed.locator(`#margin-comment-${quayId}`).getByText('This comment was removed by a moderator.').waitFor();
    expect(await embed.getByText('Live from the quay: the fire is out.').count()).toBe(0);
    expect(threadRequests).toHaveLength(threadRequestsBefore + 1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'embed-under-article');

    // Donate: the embed goes to the Checkout URL the API returned (intercepted: no network here).
    const checkout: string[] = [];
    await page.route('https://checkout.stripe.com/**', (route) => {
      checkout.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Checkout</title><h1>Stripe Checkout</h1>' });
    });
    const appeal = embed.getByRole('form', { name: 'Support our journalism' });
    // The default appeal is the contract's, in pounds only: no currency to pick.
    await appeal.getByRole('button', { name: 'Monthly' }).waitFor();
    expect(await appeal.getByLabel('Currency').count()).toBe(0);
    await appeal.getByRole('button', { name: 'Monthly' }).click();
    await appeal.getByRole('button', { name: '£10' }).click();
    await appeal.getByRole('button', { name: 'Give £10 a month' }).click();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.com\//);
    const session = s.fake.requests.filter((request) => request.path === '/v1/checkout/sessions').at(-1);
    expect(session?.body).toEqual(expect.objectContaining({ mode: 'subscription' }));
    expect(checkout).toHaveLength(1);
    expect(checkout[0]).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_/);
    // Other test files share the database: this article's donation, not the newest of the run.
    const donations = await s.t.db.query('SELECT amount, frequency, article_id FROM donations WHERE article_id = $1 ORDER BY created_at DESC LIMIT 1', [article.id]);
    expect(donations[0]).toEqual({ amount: 1000, frequency: 'monthly', article_id: article.id });

    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('a reader\'s own comment that the stream brings before the post answers is not counted as new', async () => {
    const article = await createArticle(s.t.http);
    const reader = await registerReader(s.t.http);
    const { page, context, errors } = await newContext(s.browser);
    const embed = page.locator('margin-comments');
    await page.goto(`${s.baseUrl}/embed/demo?article=${article.id}&poll=3600`);
    await embed.getByRole('button', { name: 'Sign in or register' }).click();
    await embed.getByLabel('E-mail').fill(reader.email);
    await embed.getByLabel(/^Password/).fill(reader.password);
    await embed.getByRole('button', { name: 'Sign in', exact: true }).click();
    await embed.getByText(`Signed in as ${reader.displayName}`).waitFor();
    // The post's answer is held until the stream has announced the comment (the button shows it).
    await page.route(`**/api/v1/articles/${article.id}/comments`, async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      const response = await route.fetch();
      await embed.getByRole('button', { name: '1 new comment' }).waitFor();
      await route.fulfill({ response });
    });
    await embed.getByLabel('Join the conversation').fill('Posted while the stream was quicker.');
    await embed.getByRole('button', { name: 'Post comment' }).click();
    await embed.locator('article', { hasText: 'Posted while the stream was quicker.' }).waitFor();
    await embed.getByRole('button', { name: '1 new comment' }).waitFor({ state: 'detached' });
    expect(await embed.getByText('Posted while the stream was quicker.').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('is usable with the keyboard alone: sign in, post, recommend, with clear messages for problems', async () => {
    const article = await createArticle(s.t.http);
    const reader = await registerReader(s.t.http);
    const other = await registerReader(s.t.http);
    await postComment(s.t.http, other, article.id, { body: 'First!' });
    const { page, context, errors } = await newContext(s.browser);
    const embed = page.locator('margin-comments');
    await page.goto(`${s.baseUrl}/embed/demo?article=${article.id}`);
    await embed.getByText('First!').waitFor();

    await tabTo(page, embed.getByRole('button', { name: 'Sign in or register' }));
    await page.keyboard.press('Enter');
    await tabTo(page, embed.getByLabel('E-mail'));
    await page.keyboard.type(reader.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await embed.getByText('That e-mail and password do not match an account.').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await tabTo(page, embed.getByLabel(/^Password/));
    await page.keyboard.press('Control+A');
    await page.keyboard.type(reader.password);
    await page.keyboard.press('Enter');
    await embed.getByText(`Signed in as ${reader.displayName}`).waitFor();

    await tabTo(page, embed.getByLabel('Join the conversation'));
    await page.keyboard.type('Typed without a mouse.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await embed.locator('article', { hasText: 'Typed without a mouse.' }).waitFor();

    // The same text again within 10 minutes: the API's DUPLICATE_COMMENT, said plainly.
    await tabTo(page, embed.getByLabel('Join the conversation'));
    await page.keyboard.type('Typed without a mouse.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await embed.getByRole('alert').getByText('You have already posted this comment.').waitFor();

    const recommend = embed.locator('article', { hasText: 'First!' }).getByRole('button', { name: 'Recommend (0)' });
    await tabTo(page, recommend);
    await page.keyboard.press('Enter');
    await embed.locator('article', { hasText: 'First!' }).getByRole('button', { name: 'Recommend (1)' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('walks the thread: every sort, more replies, load more, edit, delete, tombstones, the inbox, and no newsroom sign-in', async () => {
    const article = await createArticle(s.t.http);
    const reader = await registerReader(s.t.http);
    const other = await registerReader(s.t.http);
    const fan = await registerReader(s.t.http);
    const moderator = await registerStaff(s.t.http, s.t.db, 'moderator');
    const mine = await postComment(s.t.http, reader, article.id, { body: 'My own earlier comment.' });
    await postComment(s.t.http, other, article.id, { body: 'An answer to you.', parentId: mine.id });
    const busy = await postComment(s.t.http, other, article.id, { body: 'A comment with many replies.' });
    for (let index = 1; index <= 5; index += 1) await postComment(s.t.http, fan, article.id, { body: `Reply number ${index}`, parentId: busy.id });
    const removed = await postComment(s.t.http, other, article.id, { body: 'Something a moderator removes.' });
    await s.t.http.post(`/api/v1/admin/comments/${removed.id}/hide`).set(moderator.auth).send({ reason: 'abuse' }).expect(200);
    for (let index = 0; index < 20; index += 1) await postComment(s.t.http, fan, article.id, { body: `Filler comment ${index}` });
    await s.t.http.put(`/api/v1/comments/${busy.id}/reaction`).set(fan.auth).expect(204);

    const { page, context, errors } = await newContext(s.browser);
    const embed = page.locator('margin-comments');
    await page.goto(`${s.baseUrl}/embed/demo?article=${article.id}`);
    await embed.getByText('Filler comment 19').waitFor();
    // Page one holds 20 of the 23 top-level comments; the rest come with "load more".
    expect(await embed.getByText('My own earlier comment.').count()).toBe(0);
    await embed.getByRole('button', { name: 'Load more comments' }).click();
    await embed.getByText('My own earlier comment.').waitFor();
    await embed.getByText('This comment was removed by a moderator.').waitFor();
    expect(await embed.getByText('Something a moderator removes.').count()).toBe(0);

    // Every sort; "top" puts the recommended one first, and its replies open with "more replies".
    const firstComment = () => embed.locator('ol[aria-label="Comment thread"][aria-busy="false"] > li').first().locator('article').first();
    await embed.getByLabel('Sort by').selectOption('oldest');
    await firstComment().getByText('My own earlier comment.').waitFor();
    await embed.getByLabel('Sort by').selectOption('replies');
    await firstComment().getByText('A comment with many replies.').waitFor();
    await embed.getByLabel('Sort by').selectOption('top');
    await firstComment().getByText('A comment with many replies.').waitFor();
    expect(await embed.getByText('Reply number 4').count()).toBe(0);
    await embed.getByRole('button', { name: 'More replies (2)' }).click();
    await embed.getByText('Reply number 5').waitFor();
    await embed.getByLabel('Sort by').selectOption('newest');

    // Signed in: the inbox has the answer; a new comment is edited, then deleted to a tombstone.
    await embed.getByRole('button', { name: 'Sign in or register' }).click();
    await embed.getByLabel('E-mail').fill(reader.email);
    await embed.getByLabel(/^Password/).fill(reader.password);
    await embed.getByRole('button', { name: 'Sign in', exact: true }).click();
    await embed.getByRole('button', { name: 'Notifications (1 unread)' }).click();
    await embed.getByRole('region', { name: 'Notifications' }).getByText(`${other.displayName} replied to your comment`).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await embed.getByRole('button', { name: 'Mark all as read' }).click();
    await embed.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    await embed.getByRole('button', { name: 'Back to comments' }).click();

    await embed.getByLabel('Join the conversation').fill('A first draft.');
    await embed.getByRole('button', { name: 'Post comment' }).click();
    const draft = embed.locator('article', { hasText: 'A first draft.' });
    await draft.getByRole('button', { name: 'Edit' }).click();
    await embed.getByLabel('Edit your comment').fill('A second thought.');
    await embed.getByRole('button', { name: 'Save' }).click();
    const edited = embed.locator('article', { hasText: 'A second thought.' });
    await edited.getByText('· edited').waitFor();
    await edited.getByRole('button', { name: 'Delete' }).click();
    await embed.getByText('This comment was deleted.').waitFor();
    expect(await embed.getByText('A second thought.').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();

    // An sso-token this server cannot exchange: a plain message, and Margin's own sign-in stays offered.
    const sso = await newContext(s.browser);
    newsroomPage = `<!doctype html><html lang="en"><title>News</title><body><main>
<script type="module" src="${s.baseUrl}/embed/margin.js"></script>
<margin-comments article-id="${article.id}" sso-token="header.payload.signature"></margin-comments></main></body></html>`;
    await sso.page.goto(`${newsroomUrl}/sso`);
    const ssoEmbed = sso.page.locator('margin-comments');
    await ssoEmbed.getByRole('alert').getByText(/Sign-in through the site|Your sign-in from the site has expired/).waitFor();
    await ssoEmbed.getByRole('button', { name: 'Sign in or register' }).waitFor();
    await sso.context.close();
  }, 90_000);

  it('a #margin-comment-<id> deep link opens the page that holds the comment and scrolls to it', async () => {
    const article = await createArticle(s.t.http);
    const author = await registerReader(s.t.http);
    const oldest = await postComment(s.t.http, author, article.id, { body: 'The very first comment, long ago.' });
    for (let index = 0; index < 22; index += 1) await postComment(s.t.http, author, article.id, { body: `Later comment number ${index}` });
    const { page, context } = await newContext(s.browser);
    await page.goto(`${s.baseUrl}/embed/demo?article=${article.id}#margin-comment-${oldest.id}`);
    const target = page.locator(`margin-comments #margin-comment-${oldest.id}`);
    await target.waitFor();
    await page.locator(`margin-comments #margin-comment-${oldest.id}.linked`).waitFor();
    // Scrolled into view (the page is far taller than the window: 23 comments under an article).
    await target.evaluate(
      (element) =>
        new Promise<void>((done) => {
          const check = () => {
            const box = element.getBoundingClientRect();
            if (box.top >= 0 && box.bottom <= window.innerHeight) done();
            else requestAnimationFrame(check);
          };
          check();
        }),
    );
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await context.close();
  }, 60_000);

  it('on a newsroom page (EMBED_ORIGINS): margin.js and count.js load cross-origin, and the frame reports its height', async () => {
    const article = await createArticle(s.t.http);
    const author = await registerReader(s.t.http);
    await postComment(s.t.http, author, article.id, { body: 'Seen from the newsroom.' });
    const { page, context, errors } = await newContext(s.browser);
    newsroomPage = `<!doctype html><html lang="en"><title>News</title><body><main><h1>Story</h1>
<p><span data-margin-count="${article.id}">?</span> comments</p>
<script type="module" src="${s.baseUrl}/embed/margin.js"></script>
<script type="module" src="${s.baseUrl}/embed/count.js"></script>
<margin-comments article-id="${article.id}" theme="dark"></margin-comments>
<iframe title="Comments" src="${s.baseUrl}/embed/frame?article=${article.id}" width="600" height="200"></iframe>
</main></body></html>`;
    const height = page.waitForEvent('console', { predicate: (message) => message.text().startsWith('margin:height') });
    await page.addInitScript(() =>
      window.addEventListener('message', (event: MessageEvent<{ type?: string; height?: number }>) => {
        // eslint-disable-next-line no-console
        if (event.data?.type === 'margin:height') console.log(`margin:height ${event.data.height}`);
      }),
    );
    await page.goto(`${newsroomUrl}/story`);
    await page.locator('margin-comments').getByText('Seen from the newsroom.').waitFor();
    await page.waitForFunction((id) => document.querySelector(`[data-margin-count="${id}"]`)?.textContent === '1', article.id);
    const reported = Number((await height).text().split(' ')[1]);
    expect(reported).toBeGreaterThan(100);
    await page.frameLocator('iframe').locator('margin-comments').getByText('Seen from the newsroom.').waitFor();
    // The dark theme keeps its contrast.
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
