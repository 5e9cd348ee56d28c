import { formatDate } from './account.templates';
import { html, layout, link, RenderedMail } from './markup';

export interface ReceiptFacts {
  displayName: string;
  amount: number;
  currency: string;
  frequency: 'one_off' | 'monthly' | 'annual';
  paidAt: string;
  articleTitle: string | null;
  articleUrl: string | null;
}

const FREQUENCY_LABELS = { one_off: 'one-off gift', monthly: 'monthly donation', annual: 'annual donation' } as const;

/** Minor units in the currency's own format (500 gbp → £5.00); zero-decimal currencies come out right too. */
export function formatAmount(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).format(amount / 10 ** digits);
  } catch {
    return `${(amount / 100).toFixed(2)} ${code}`;
  }
}

export function receiptMail(facts: ReceiptFacts): RenderedMail {
  const amount = formatAmount(facts.amount, facts.currency);
  const kind = FREQUENCY_LABELS[facts.frequency];
  const subject = `Thank you for your ${kind} of ${amount}`;
  const article = facts.articleTitle ? `Given from: ${facts.articleTitle}${facts.articleUrl ? ` (${facts.articleUrl})` : ''}` : '';
  const lines = [
    `Amount: ${amount} (${facts.currency.toUpperCase()})`,
    `Frequency: ${kind}`,
    `Date: ${formatDate(facts.paidAt)}`,
    article,
  ].filter(Boolean);
  return {
    subject,
    text: `Hello ${facts.displayName},\n\nThank you for supporting our journalism. This is your receipt.\n\n${lines.join('\n')}\n\nStripe, our payment provider, sends the payment receipt of record.\n`,
    html: layout(subject, html`<p>Hello ${facts.displayName},</p><p>Thank you for supporting our journalism. This is your receipt.</p>
<table style="border-collapse:collapse">
<tr><td style="padding:2px 12px 2px 0;color:#6b7280">Amount</td><td>${amount} (${facts.currency.toUpperCase()})</td></tr>
<tr><td style="padding:2px 12px 2px 0;color:#6b7280">Frequency</td><td>${kind}</td></tr>
<tr><td style="padding:2px 12px 2px 0;color:#6b7280">Date</td><td>${formatDate(facts.paidAt)}</td></tr>
${facts.articleTitle ? html`<tr><td style="padding:2px 12px 2px 0;color:#6b7280">Given from</td><td>${facts.articleUrl ? link(facts.articleUrl, facts.articleTitle) : facts.articleTitle}</td></tr>` : html``}
</table>
<p style="font-size:13px;color:#6b7280">Stripe, our payment provider, sends the payment receipt of record.</p>`),
  };
}

export function renewalFailedMail(facts: { displayName: string; amount: number; currency: string; frequency: 'one_off' | 'monthly' | 'annual'; billingUrl: string }): RenderedMail {
  const amount = formatAmount(facts.amount, facts.currency);
  const subject = 'We could not renew your donation';
  const body = `Your ${FREQUENCY_LABELS[facts.frequency]} of ${amount} could not be charged. Stripe will try again; you can update your card in the billing portal.`;
  return {
    subject,
    text: `Hello ${facts.displayName},\n\n${body}\n\nBilling portal: ${facts.billingUrl}\n`,
    html: layout(subject, html`<p>Hello ${facts.displayName},</p><p>${body}</p><p>${link(facts.billingUrl, 'Open the billing portal')}</p>`),
  };
}
