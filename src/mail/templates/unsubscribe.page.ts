import { layout, html } from './markup';

/** The page an unsubscribe link opens: a fixed text, nothing about the reader. */
export function unsubscribedPage(): string {
  return layout('Unsubscribed', html`<h1 style="font-size:20px">You are unsubscribed</h1>
<p>You will no longer get these e-mails. You can choose again at any time in your notification settings.</p>`);
}
