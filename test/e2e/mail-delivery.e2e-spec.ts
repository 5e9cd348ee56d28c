import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobQueue } from '../../src/notifications/jobs/job-queue';
import { registerReader } from '../factories/users.factory';
import { createIsolatedTestApp } from '../support/isolated-test-app';
import { TestApp } from '../support/test-app';

describe('mail delivery modes (e2e)', () => {
  describe('an SMTP server that accepts connections and never answers', () => {
    let stalled: Server;
    const sockets: Socket[] = [];
    let t: TestApp;

    beforeAll(async () => {
      stalled = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', () => resolve()));
      const port = (stalled.address() as { port: number }).port;
      t = await createIsolatedTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_TIMEOUT_SECONDS: '1' });
    });
    afterAll(async () => {
      await t.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => stalled.close(() => resolve()));
    });

    it('does not hold up the request, and a send that stalls is given up for now and kept queued for a retry', async () => {
      const reader = await registerReader(t.http);
      const [queued] = await t.db.query(`SELECT status, attempts FROM mail_messages WHERE user_id = $1`, [reader.id]);
      expect(queued).toEqual({ status: 'queued', attempts: 0 });
      await t.app.get(JobQueue).drain();
      const [after] = await t.db.query(`SELECT status, attempts, last_error FROM mail_messages WHERE user_id = $1`, [reader.id]);
      expect(after).toEqual({ status: 'queued', attempts: 1, last_error: expect.stringMatching(/greeting never received|timeout/i) });
      const [job] = await t.db.query(`SELECT state FROM pgboss.job WHERE name = 'mail.send' AND data->>'messageId' IS NOT NULL`);
      expect(job.state).toBe('retry');
    });
  });

  describe('without SMTP_URL outside production', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'margin-mail-'));
    let t: TestApp;

    beforeAll(async () => {
      t = await createIsolatedTestApp({ NODE_ENV: 'test', MAIL_DISABLED: 'false', DATA_DIR: dataDir });
    });
    afterAll(() => t.close());

    it('writes each e-mail as an .eml file under DATA_DIR/mail', async () => {
      const reader = await registerReader(t.http);
      await t.app.get(JobQueue).drain();
      const files = readdirSync(join(dataDir, 'mail')).filter((name) => name.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const eml = readFileSync(join(dataDir, 'mail', files[0]), 'utf8');
      expect(eml).toContain(`To: ${reader.email}`);
      expect(eml).toContain('Subject: Confirm your e-mail address');
      expect(eml).toMatch(/Content-Type: multipart\/alternative/);
      const [row] = await t.db.query(`SELECT status FROM mail_messages WHERE user_id = $1`, [reader.id]);
      expect(row.status).toBe('sent');
    });
  });

  describe('with MAIL_DISABLED=true', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createIsolatedTestApp({ MAIL_DISABLED: 'true' });
    });
    afterAll(() => t.close());

    it('sends nothing and records the e-mail as discarded', async () => {
      const reader = await registerReader(t.http);
      await t.app.get(JobQueue).drain();
      const [row] = await t.db.query(`SELECT status FROM mail_messages WHERE user_id = $1`, [reader.id]);
      expect(row.status).toBe('discarded');
    });
  });
});
