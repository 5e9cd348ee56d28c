import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { AppConfig } from '../config/app-config';
import { maskedEmail } from '../users/masked-email';

export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** What became of one send: delivered (SMTP accepted it or the file was written), or dropped because e-mail is off. */
export type SendOutcome = 'sent' | 'discarded';

/** An SMTP answer that will not change on a retry (a 5xx such as "no such mailbox"). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Where e-mail goes, chosen once from the configuration: SMTP (`SMTP_URL`, a pool of connections with bounded
 * timeouts, so a stalled server fails the send and the job is retried later), `.eml` files under DATA_DIR/mail
 * (no SMTP_URL outside production; the log names the masked address and the file), or nowhere
 * (`MAIL_DISABLED=true`).
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly smtp?: Transporter;
  private readonly files?: Transporter;
  private readonly directory: string;
  readonly mode: 'smtp' | 'files' | 'disabled';

  constructor(private readonly config: AppConfig) {
    const { smtpUrl, disabled, timeoutSeconds } = config.mail;
    this.directory = resolve(config.dataDir, 'mail');
    if (smtpUrl) {
      this.mode = 'smtp';
      const timeout = timeoutSeconds * 1000;
      // Options in one object (a second argument would be message defaults, not transport options).
      this.smtp = nodemailer.createTransport({
        url: smtpUrl,
        pool: true,
        maxConnections: 3,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      } as SMTPPool.Options);
    } else if (disabled) {
      this.mode = 'disabled';
    } else {
      this.mode = 'files';
      this.files = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
  }

  async send(mail: OutgoingMail): Promise<SendOutcome> {
    const message = {
      from: this.config.mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { 'Auto-Submitted': 'auto-generated', ...mail.headers },
    };
    if (this.smtp) {
      await this.smtp.sendMail(message);
      return 'sent';
    }
    if (!this.files) {
      this.logger.debug(`E-mail ${mail.id} to ${maskedEmail(mail.to)} not sent (MAIL_DISABLED=true)`);
      return 'discarded';
    }
    const info = (await this.files.sendMail(message)) as { message: Buffer };
    await mkdir(this.directory, { recursive: true });
    const file = join(this.directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.id}.eml`);
    await writeFile(file, info.message);
    this.logger.log(`E-mail "${mail.subject}" to ${maskedEmail(mail.to)} written to ${file} (no SMTP_URL)`);
    return 'sent';
  }

  onApplicationShutdown(): void {
    this.smtp?.close();
  }
}
