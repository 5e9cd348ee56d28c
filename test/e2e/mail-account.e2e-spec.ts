import { createHash } from 'node:crypto';
import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { PASSWORD_RESET_JOB } from '../../src/mail/account-mail.service';
import { SEND_JOB } from '../../src/mail/mail-outbox.service';
import { registerReader, registerStaff, RegisteredReader, newReaderInput } from '../factories/users.factory';
import { minutesFromNow } from '../factories/moderation.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { expectProblem } from '../support/problem';
import { SmtpSink, tokenFrom } from '../support/smtp-sink';
import { TestApp } from '../support/test-app';

const SITE = 'https://news.example';

/** Collects the app's log lines (JSON), to check what they say about addresses. */
class CapturedLog {
  readonly raw: string[] = [];
  write(chunk: string): void {
    this.raw.push(...chunk.split('\n').filter(Boolean));
  }
}

describe('account e-mails through a real SMTP server (e2e)', () => {
  const sink = new SmtpSink();
  const log = new CapturedLog();
  let t: TestApp;
  let jobs: JobQueue;

  beforeAll(async () => {
    await sink.start();
    t = await createIsolatedTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'The Newsroom <news@news.example>', LOG_LEVEL: 'info', SMTP_TIMEOUT_SECONDS: '5' }, { logDestination: log });
    jobs = t.app.get(JobQueue);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  /** Runs every queued job (composing and sending), as the background workers would. */
  const deliver = () => jobs.drain();
  const me = async (reader: RegisteredReader) => (await t.http.get('/api/v1/me').set(reader.auth).expect(200)).body;

  async function registeredAndVerified(): Promise<RegisteredReader> {
    const reader = await registerReader(t.http);
    await deliver();
    const [mail] = sink.to(reader.email);
    await t.http.post('/api/v1/auth/verify-email').send({ token: tokenFrom(mail.text, `${SITE}/verify-email`) }).expect(204);
    return reader;
  }

  describe('verification', () => {
    it('registration e-mails a link from MAIL_FROM (text and HTML); following it verifies the address, once', async () => {
      const reader = await registerReader(t.http);
      expect(sink.to(reader.email)).toHaveLength(0); // nothing is sent inside the request
      await deliver();
      const [mail] = sink.to(reader.email);
      expect(mail.subject).toBe('Confirm your e-mail address');
      expect(mail.headers.get('from')).toEqual(expect.objectContaining({ value: [{ address: 'news@news.example', name: 'The Newsroom' }] }));
      const token = tokenFrom(mail.text, `${SITE}/verify-email`);
      expect(tokenFrom(mail.html, `${SITE}/verify-email`)).toBe(token);
      expect((await me(reader)).emailVerified).toBe(false);

      await t.http.post('/api/v1/auth/verify-email').send({ token }).expect(204);
      expect((await me(reader)).emailVerified).toBe(true);
      expectProblem(await t.http.post('/api/v1/auth/verify-email').send({ token }), 400, 'INVALID_TOKEN');
    });

    it('stores only the SHA-256 of a token, bound to its purpose and address', async () => {
      const reader = await registerReader(t.http);
      await deliver();
      const token = tokenFrom(sink.to(reader.email)[0].text, `${SITE}/verify-email`);
      const rows = await t.db.query(`SELECT purpose, address, token_hash FROM account_tokens WHERE user_id = $1`, [reader.id]);
      expect(rows).toEqual([{ purpose: 'verify_email', address: reader.email, token_hash: createHash('sha256').update(token).digest() }]);
      const everything = JSON.stringify(await t.db.query(`SELECT * FROM account_tokens WHERE user_id = $1`, [reader.id]));
      expect(everything).not.toContain(token);
      // A verification token is not a reset token.
      expectProblem(await t.http.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'a brand new password' }), 400, 'INVALID_TOKEN');
    });

    it('refuses an expired or unknown token with 400 INVALID_TOKEN', async () => {
      const reader = await registerReader(t.http);
      await deliver();
      const token = tokenFrom(sink.to(reader.email)[0].text, `${SITE}/verify-email`);
      await t.db.query(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [reader.id]);
      expectProblem(await t.http.post('/api/v1/auth/verify-email').send({ token }), 400, 'INVALID_TOKEN');
      expectProblem(await t.http.post('/api/v1/auth/verify-email').send({ token: 'not-a-token' }), 400, 'INVALID_TOKEN');
      expect((await me(reader)).emailVerified).toBe(false);
    });

    it('POST /me/email-verification sends a new link (202), at most 3 an hour, and nothing once verified', async () => {
      const reader = await registerReader(t.http);
      await deliver();
      for (let i = 0; i < 3; i += 1) await t.http.post('/api/v1/me/email-verification').set(reader.auth).expect(202);
      const limited = await t.http.post('/api/v1/me/email-verification').set(reader.auth);
      expectProblem(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await deliver();
      const mails = sink.to(reader.email);
      expect(mails).toHaveLength(4);
      // Every link works (each is its own token) until the address is verified.
      await t.http.post('/api/v1/auth/verify-email').send({ token: tokenFrom(mails[2].text, `${SITE}/verify-email`) }).expect(204);

      const verified = await registeredAndVerified();
      const before = sink.to(verified.email).length;
      await t.http.post('/api/v1/me/email-verification').set(verified.auth).expect(202);
      await deliver();
      expect(sink.to(verified.email)).toHaveLength(before);
    });
  });

  describe('password reset', () => {
    it('answers 202 with the same body for a known and an unknown address, doing the same work in the request', async () => {
      const reader = await registerReader(t.http);
      await deliver();
      const countResetJobs = async () => (await t.db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1`, [PASSWORD_RESET_JOB]))[0].n as number;
      const before = await countResetJobs();
      const known = await t.http.post('/api/v1/auth/password-reset').send({ email: reader.email.toUpperCase() });
      const unknown = await t.http.post('/api/v1/auth/password-reset').send({ email: `nobody-${reader.id}@example.test` });
      expect([known.status, unknown.status]).toEqual([202, 202]);
      expect(known.text).toBe(unknown.text);
      expect(await countResetJobs()).toBe(before + 2);
      await deliver();
      expect(sink.to(reader.email).map((mail) => mail.subject)).toEqual(['Confirm your e-mail address', 'Reset your password']);
      expect(sink.received.filter((mail) => mail.to.includes(`nobody-${reader.id}@example.test`))).toHaveLength(0);
    });

    it('a reset link valid 1 hour sets the password, ends every session, and works once', async () => {
      const reader = await registerReader(t.http);
      const other = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
      await t.http.post('/api/v1/auth/password-reset').send({ email: reader.email }).expect(202);
      await deliver();
      const mail = sink.to(reader.email).find((received) => received.subject === 'Reset your password');
      const token = tokenFrom(mail?.text ?? '', `${SITE}/reset-password`);
      const [row] = await t.db.query(
        `SELECT extract(epoch FROM expires_at - created_at)::int AS ttl FROM account_tokens WHERE user_id = $1 AND purpose = 'reset_password'`,
        [reader.id],
      );
      expect(row.ttl).toBe(3600);

      expectProblem(await t.http.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'short' }), 400, 'VALIDATION_FAILED');
      await t.http.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'a brand new password' }).expect(204);
      expectProblem(await t.http.get('/api/v1/me').set(reader.auth), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: reader.refreshToken }), 401, 'INVALID_REFRESH_TOKEN');
      expectProblem(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: other.body.refreshToken }), 401, 'INVALID_REFRESH_TOKEN');
      expectProblem(await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }), 401, 'INVALID_CREDENTIALS');
      const signedIn = await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: 'a brand new password' }).expect(200);
      // The link reached the address, so it is confirmed as well.
      expect(signedIn.body.user.emailVerified).toBe(true);
      expectProblem(await t.http.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'yet another password' }), 400, 'INVALID_TOKEN');
    });

    it('refuses an expired reset link', async () => {
      const reader = await registerReader(t.http);
      await t.http.post('/api/v1/auth/password-reset').send({ email: reader.email }).expect(202);
      await deliver();
      const mail = sink.to(reader.email).find((received) => received.subject === 'Reset your password');
      await t.db.query(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND purpose = 'reset_password'`, [reader.id]);
      expectProblem(
        await t.http.post('/api/v1/auth/password-reset/confirm').send({ token: tokenFrom(mail?.text ?? '', `${SITE}/reset-password`), password: 'a brand new password' }),
        400,
        'INVALID_TOKEN',
      );
      await t.http.post('/api/v1/auth/login').send({ email: reader.email, password: reader.password }).expect(200);
    });
  });

  describe('changing the address', () => {
    it('PUT /me/email: 401 for a wrong password, 409 for a taken address; the address changes only once confirmed', async () => {
      const reader = await registeredAndVerified();
      const taken = await registerReader(t.http);
      const next = newReaderInput().email;
      expectProblem(await t.http.put('/api/v1/me/email').set(reader.auth).send({ email: next, password: 'not the password' }), 401, 'INVALID_CREDENTIALS');
      expectProblem(await t.http.put('/api/v1/me/email').set(reader.auth).send({ email: taken.email.toUpperCase(), password: reader.password }), 409, 'EMAIL_TAKEN');
      await t.http.put('/api/v1/me/email').set(reader.auth).send({ email: next, password: reader.password }).expect(202);
      await deliver();
      expect((await me(reader)).email).toBe(reader.email);
      const [mail] = sink.to(next);
      expect(mail.subject).toBe('Confirm your new e-mail address');

      await t.http.post('/api/v1/auth/verify-email').send({ token: tokenFrom(mail.text, `${SITE}/verify-email`) }).expect(204);
      expect(await me(reader)).toEqual(expect.objectContaining({ email: next, emailVerified: true }));
      await deliver();
      // The old address hears of it, without the new one in full.
      const notice = sink.to(reader.email).find((received) => received.subject === 'Your e-mail address was changed');
      expect(notice?.text).toContain(`${next[0]}***@`);
      expect(notice?.text).not.toContain(next);
      await t.http.post('/api/v1/auth/login').send({ email: next, password: reader.password }).expect(200);
    });

    it('a link is bound to the address it was sent to: once the address changed, an older link for the old one does nothing', async () => {
      const reader = await registerReader(t.http);
      await deliver();
      const oldLink = tokenFrom(sink.to(reader.email)[0].text, `${SITE}/verify-email`);
      const next = newReaderInput().email;
      await t.http.put('/api/v1/me/email').set(reader.auth).send({ email: next, password: reader.password }).expect(202);
      await deliver();
      await t.http.post('/api/v1/auth/verify-email').send({ token: tokenFrom(sink.to(next)[0].text, `${SITE}/verify-email`) }).expect(204);
      expectProblem(await t.http.post('/api/v1/auth/verify-email').send({ token: oldLink }), 400, 'INVALID_TOKEN');
      expect(await me(reader)).toEqual(expect.objectContaining({ email: next, emailVerified: true }));
    });
  });

  describe('sanction notices', () => {
    it('a ban and a suspension each e-mail the reader', async () => {
      const moderator = await registerStaff(t.http, t.db, 'moderator');
      const admin = await registerStaff(t.http, t.db, 'admin');
      const suspended = await registerReader(t.http);
      const banned = await registerReader(t.http);
      const until = minutesFromNow(120);
      await t.http.post(`/api/v1/admin/users/${suspended.id}/suspend`).set(moderator.auth).send({ until, reason: 'Personal attacks' }).expect(200);
      await t.http.post(`/api/v1/admin/users/${banned.id}/ban`).set(admin.auth).send({ reason: 'Spam' }).expect(200);
      await t.http.post(`/api/v1/admin/users/${banned.id}/ban`).set(admin.auth).send({ reason: 'Spam' }).expect(200);
      await deliver();
      expect(sink.to(suspended.email).map((mail) => mail.subject)).toContain('Your account has been suspended');
      expect(sink.to(banned.email).filter((mail) => mail.subject === 'Your account has been banned')).toHaveLength(1);
    });
  });

  describe('delivery', () => {
    it('SMTP refusing mail: nothing is lost or sent twice; the e-mail goes out once the server takes mail again', async () => {
      const reader = await registerReader(t.http);
      sink.refuse = true;
      await deliver();
      expect(sink.to(reader.email)).toHaveLength(0);
      const [row] = await t.db.query(`SELECT status, attempts FROM mail_messages WHERE user_id = $1`, [reader.id]);
      expect(row).toEqual({ status: 'queued', attempts: 1 });

      sink.refuse = false;
      // The retry is due after its backoff: bring that time forward instead of waiting.
      await t.db.query(`UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'retry'`, [SEND_JOB]);
      await deliver();
      expect(sink.to(reader.email)).toHaveLength(1);
      const [sent] = await t.db.query(`SELECT id, status, attempts FROM mail_messages WHERE user_id = $1`, [reader.id]);
      expect(sent).toEqual(expect.objectContaining({ status: 'sent', attempts: 2 }));

      // A job that runs again for a sent e-mail sends nothing.
      await jobs.send(SEND_JOB, { messageId: sent.id });
      await deliver();
      expect(sink.to(reader.email)).toHaveLength(1);
    });

    it('counts sent e-mails and the outbox in /metrics', async () => {
      const metrics = (await t.http.get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/margin_mail_sent_total\{kind="verification"\} [1-9]/);
      expect(metrics).toMatch(/margin_mail_outbox_depth \d+/);
      expect(metrics).toMatch(/margin_mail_outbox_oldest_age_seconds [\d.]+/);
      expect(metrics).toMatch(/margin_job_queue_depth\{queue="mail.send"\} \d+/);
    });

    it('never writes a full address to the log', () => {
      const addresses = sink.received.flatMap((mail) => mail.to);
      expect(addresses.length).toBeGreaterThan(5);
      const text = log.raw.join('\n');
      for (const address of addresses) expect(text).not.toContain(address);
    });
  });

  describe('erasure', () => {
    it('removes the reader\'s e-mails, tokens and settings', async () => {
      const reader = await registeredAndVerified();
      await t.http.put('/api/v1/me/notification-settings').set(reader.auth)
        .send({ email: { reply: false, featured: true, moderation: true, followedComment: true, follow: false }, digest: 'daily' }).expect(200);
      await t.http.delete('/api/v1/me').set(reader.auth).send({ password: reader.password }).expect(204);
      for (const table of ['mail_messages', 'account_tokens', 'notification_settings', 'mail_digest_items']) {
        const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [reader.id]);
        expect({ table, n }).toEqual({ table, n: 0 });
      }
    });
  });
});
