import { html, layout, link, Markup, RenderedMail } from './markup';

/** One inbox item as an e-mail shows it; every string in it may be reader-written and is escaped in HTML. */
export interface ActivityItem {
  type: 'reply' | 'featured' | 'moderation' | 'followed_comment' | 'follow';
  actorName: string | null;
  excerpt: string | null;
  articleTitle: string | null;
  /** The comment in its thread (the article page's deep link), or the site for a follow. */
  url: string;
  /** For moderation: what happened to the comment. */
  outcome?: 'hidden' | 'approved';
}

function headline(item: ActivityItem): string {
  const who = item.actorName ?? 'A reader';
  const where = item.articleTitle ? ` on “${item.articleTitle}”` : '';
  switch (item.type) {
    case 'reply':
      return `${who} replied to your comment${where}`;
    case 'featured':
      return `A moderator featured your comment${where}`;
    case 'moderation':
      return item.outcome === 'approved' ? `Your comment${where} was approved` : `Your comment${where} was hidden by a moderator`;
    case 'followed_comment':
      return `${who}, whom you follow, commented${where}`;
    case 'follow':
      return `${who} started following you`;
  }
}

function itemText(item: ActivityItem): string {
  const excerpt = item.excerpt ? `\n  “${item.excerpt}”` : '';
  return `- ${headline(item)}${excerpt}\n  ${item.url}`;
}

function itemHtml(item: ActivityItem): Markup {
  const excerpt = item.excerpt ? html`<blockquote style="margin:8px 0;padding-left:12px;border-left:3px solid #d1d5db;color:#374151">${item.excerpt}</blockquote>` : html``;
  return html`<div style="margin:0 0 20px"><p style="margin:0 0 4px"><strong>${headline(item)}</strong></p>${excerpt}<p style="margin:4px 0">${link(item.url, item.type === 'follow' ? 'Open' : 'See the comment')}</p></div>`;
}

function footer(unsubscribeUrl: string, settingsUrl: string, what: string): { text: string; html: Markup } {
  return {
    text: `\n--\nYou get these e-mails because of your notification settings: ${settingsUrl}\nStop ${what}: ${unsubscribeUrl}\n`,
    html: html`You get these e-mails because of your ${link(settingsUrl, 'notification settings')}. ${link(unsubscribeUrl, `Stop ${what}`)}.`,
  };
}

/** One activity e-mail for one inbox item (digest `immediate`). */
export function activityMail(item: ActivityItem, links: { unsubscribeUrl: string; settingsUrl: string; typeLabel: string }): RenderedMail {
  const subject = headline(item);
  const foot = footer(links.unsubscribeUrl, links.settingsUrl, `e-mails about ${links.typeLabel}`);
  return {
    subject: subject.slice(0, 300),
    text: `${itemText(item)}\n${foot.text}`,
    html: layout(subject, itemHtml(item), foot.html),
  };
}

/** Every item of a digest period in one e-mail. */
export function digestMail(items: ActivityItem[], period: 'hourly' | 'daily', links: { unsubscribeUrl: string; settingsUrl: string }): RenderedMail {
  const subject = `${items.length} new ${items.length === 1 ? 'notification' : 'notifications'} ${period === 'hourly' ? 'this hour' : 'today'}`;
  const foot = footer(links.unsubscribeUrl, links.settingsUrl, 'all activity e-mails');
  return {
    subject,
    text: `${subject}\n\n${items.map(itemText).join('\n\n')}\n${foot.text}`,
    html: layout(subject, html`<h1 style="font-size:20px">${subject}</h1>${items.map(itemHtml)}`, foot.html),
  };
}
