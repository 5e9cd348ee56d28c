import { html, layout, link, RenderedMail } from './markup';

export function verificationMail(input: { displayName: string; verifyUrl: string; change: boolean }): RenderedMail {
  const subject = input.change ? 'Confirm your new e-mail address' : 'Confirm your e-mail address';
  const why = input.change
    ? 'You asked to use this address for your account. Your account keeps its current address until you confirm.'
    : 'Confirm this address to receive e-mails about replies and other activity you choose.';
  return {
    subject,
    text: `Hello ${input.displayName},\n\n${why}\n\nConfirm: ${input.verifyUrl}\n\nThe link works once and expires in 24 hours. If you did not ask for this, ignore this e-mail.\n`,
    html: layout(subject, html`<p>Hello ${input.displayName},</p><p>${why}</p>
<p>${link(input.verifyUrl, 'Confirm this address')}</p>
<p style="font-size:13px;color:#6b7280">The link works once and expires in 24 hours. If you did not ask for this, ignore this e-mail.</p>`),
  };
}

export function passwordResetMail(input: { displayName: string; resetUrl: string }): RenderedMail {
  const subject = 'Reset your password';
  return {
    subject,
    text: `Hello ${input.displayName},\n\nSomeone (hopefully you) asked to reset the password of your account.\n\nChoose a new password: ${input.resetUrl}\n\nThe link works once and expires in 1 hour. Resetting signs you out everywhere. If you did not ask for this, ignore this e-mail: your password stays as it is.\n`,
    html: layout(subject, html`<p>Hello ${input.displayName},</p><p>Someone (hopefully you) asked to reset the password of your account.</p>
<p>${link(input.resetUrl, 'Choose a new password')}</p>
<p style="font-size:13px;color:#6b7280">The link works once and expires in 1 hour. Resetting signs you out everywhere. If you did not ask for this, ignore this e-mail: your password stays as it is.</p>`),
  };
}

export function emailChangedNoticeMail(input: { displayName: string; newAddressMasked: string }): RenderedMail {
  const subject = 'Your e-mail address was changed';
  const line = `The e-mail address of your account is now ${input.newAddressMasked}. If you did not do this, reset your password at once.`;
  return {
    subject,
    text: `Hello ${input.displayName},\n\n${line}\n`,
    html: layout(subject, html`<p>Hello ${input.displayName},</p><p>${line}</p>`),
  };
}

export function sanctionMail(input: { displayName: string; action: 'banned' | 'suspended'; until: string | null; guidelinesUrl: string }): RenderedMail {
  const subject = input.action === 'banned' ? 'Your account has been banned' : 'Your account has been suspended';
  const what =
    input.action === 'banned'
      ? 'A moderator has banned your account. You can still sign in and read, but you can no longer comment, react or report.'
      : `A moderator has suspended your account until ${formatDate(input.until)}. Until then you can read, but not comment, react or report.`;
  return {
    subject,
    text: `Hello ${input.displayName},\n\n${what}\n\nOur community guidelines: ${input.guidelinesUrl}\n`,
    html: layout(subject, html`<p>Hello ${input.displayName},</p><p>${what}</p><p>${link(input.guidelinesUrl, 'Our community guidelines')}</p>`),
  };
}

export function formatDate(iso: string | null): string {
  if (!iso) return '';
  return new Date(iso).toUTCString().replace(/:\d\d GMT$/, ' UTC');
}
