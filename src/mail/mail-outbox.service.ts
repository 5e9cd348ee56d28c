import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { UnitOfWork } from '../database/unit-of-work';
import { JobQueue } from '../notifications/jobs/job-queue';
import { maskedEmail } from '../users/masked-email';
import { mailFailed, mailRetried, mailSent, OUTBOX_AGE_METRIC, OUTBOX_DEPTH_METRIC, registerOutboxGauges } from './mail.metrics';
import { ClaimedMessage, MailRepository } from './mail.repository';
import { isPermanentSmtpFailure, MailTransport } from './mail-transport';
import { RenderedMail } from './templates/markup';

export const SEND_JOB = 'mail.send';
/** Attempts per e-mail before it is given up (and counted in margin_mail_failed_total); about a day of backoff. */
export const MAX_SEND_ATTEMPTS = 12;
const SEND_BATCH_SIZE = 50;

export interface MailToQueue {
  /** Stable for the cause (`verify:<token id>`, `activity:<notification id>`, `receipt:<donation id>`): a repeat writes nothing. */
  idempotencyKey: string;
  kind: string;
  userId: string | null;
  to: string;
  mail: RenderedMail;
  headers?: Record<string, string>;
}

/**
 * The outbox. `queue` writes the e-mail and its send job in the caller's transaction (so it exists exactly when
 * its cause committed, once per idempotency key); the `mail.send` worker claims rows, sends them outside any
 * request, and marks each sent. SMTP down: the attempt is counted, the row goes back to the queue and the job is
 * retried with backoff; a permanent refusal or the last attempt marks it failed.
 */
@Injectable()
export class MailOutbox implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  private gauges: Gauge[] = [];

  constructor(
    private readonly messages: MailRepository,
    private readonly jobs: JobQueue,
    private readonly transport: MailTransport,
    private readonly unitOfWork: UnitOfWork,
  ) {
    jobs.define({
      name: SEND_JOB,
      batchSize: SEND_BATCH_SIZE,
      concurrency: 2,
      retryLimit: MAX_SEND_ATTEMPTS + 2,
      batchHandler: (data) => this.sendBatch((data as { messageId: string }[]).map((job) => job.messageId)),
    });
  }

  onModuleInit(): void {
    this.gauges = registerOutboxGauges(() => this.messages.backlog());
  }

  onModuleDestroy(): void {
    for (const name of [OUTBOX_DEPTH_METRIC, OUTBOX_AGE_METRIC]) {
      if (this.gauges.includes(register.getSingleMetric(name) as Gauge)) register.removeSingleMetric(name);
    }
  }

  /** Call inside the cause's unit of work. True when the e-mail was new. */
  async queue(message: MailToQueue): Promise<boolean> {
    const id = await this.messages.insert({
      idempotencyKey: message.idempotencyKey,
      kind: message.kind,
      userId: message.userId,
      toAddress: message.to,
      subject: message.mail.subject,
      textBody: message.mail.text,
      htmlBody: message.mail.html,
      headers: message.headers ?? {},
    });
    if (id) await this.jobs.enqueue(SEND_JOB, { messageId: id });
    return id !== null;
  }

  /**
   * Sends what is still unsent among `ids`. Throws after the batch when an attempt failed on something that may pass
   * (so pg-boss retries it later, with backoff); rows already sent are not claimed again, so a retry sends only the rest.
   */
  async sendBatch(ids: string[]): Promise<void> {
    const claimed = await this.unitOfWork.run(() => this.messages.claim([...new Set(ids)]));
    let retry = 0;
    for (const message of claimed) {
      if (!(await this.sendOne(message))) retry += 1;
    }
    if (retry > 0) throw new Error(`${retry} of ${claimed.length} e-mails could not be sent yet; retried later`);
  }

  /** False when the message should be tried again later. */
  private async sendOne(message: ClaimedMessage): Promise<boolean> {
    try {
      const outcome = await this.transport.send({
        id: message.id,
        to: message.toAddress,
        subject: message.subject,
        text: message.textBody,
        html: message.htmlBody,
        headers: message.headers,
      });
      if (outcome === 'discarded') await this.messages.markDiscarded(message.id);
      else {
        await this.messages.markSent(message.id);
        mailSent.inc({ kind: message.kind });
      }
      return true;
    } catch (error) {
      const reason = withoutAddresses(error instanceof Error ? error.message : String(error));
      const giveUp = isPermanentSmtpFailure(error) || message.attempts >= MAX_SEND_ATTEMPTS;
      await this.messages.release(message.id, reason, giveUp);
      if (giveUp) {
        mailFailed.inc({ kind: message.kind });
        this.logger.error(`E-mail ${message.id} (${message.kind}) to ${maskedEmail(message.toAddress)} given up after ${message.attempts} attempts: ${reason}`);
        return true;
      }
      mailRetried.inc({ kind: message.kind });
      this.logger.warn(`E-mail ${message.id} (${message.kind}) to ${maskedEmail(message.toAddress)} not sent (attempt ${message.attempts}): ${reason}`);
      return false;
    }
  }
}

/** SMTP answers often quote the recipient: logs get the masked form only. */
export function withoutAddresses(text: string): string {
  return text.replace(/[^\s<>"'@]+@[^\s<>"'@]+/g, (address) => maskedEmail(address));
}
