/**
 * The HTML part of every e-mail is built only through `html`: each interpolated value is escaped unless it is
 * itself `Markup` made by `html`, so nothing a reader wrote (a display name, a comment, an article title) can
 * become markup. Plain-text parts use ordinary template strings.
 */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

type Interpolated = string | number | Markup | readonly Markup[] | null | undefined;

function render(value: Interpolated): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Markup) return value.value;
  if (Array.isArray(value)) return value.map((item: Markup) => item.value).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Markup {
  return new Markup(strings.reduce((out, text, index) => out + text + (index < values.length ? render(values[index]) : ''), ''));
}

/** A link whose address is ours (built on PUBLIC_SITE_URL); the label is escaped like any text. */
export function link(href: string, label: string): Markup {
  return html`<a href="${href}" style="color:#1a56db">${label}</a>`;
}

/** Every e-mail's HTML frame: a plain, narrow column readable in any client, no remote images. */
export function layout(title: string, body: Markup, footer: Markup = html``): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>
<body style="margin:0;padding:24px;background:#f6f6f6;font-family:Georgia,serif;color:#1f2933">
<div style="max-width:560px;margin:0 auto;background:#fff;padding:24px;border-radius:6px;line-height:1.5">
${body}
</div>
<div style="max-width:560px;margin:12px auto;font-size:12px;color:#6b7280">${footer}</div>
</body></html>`.value;
}

/** One e-mail, rendered: what the outbox stores and the transport sends. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
