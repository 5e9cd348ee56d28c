import { Injectable } from '@nestjs/common';
import { request as httpRequest, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppConfig } from '../config/app-config';
import { marginSignature } from '../common/http/margin-signature';
import { publicOnlyLookup } from './webhook-target';

export interface OutgoingWebhook {
  url: string;
  secret: string;
  eventId: string;
  eventType: string;
  deliveryId: string;
  body: string;
}

/** How one attempt went: a 2xx answer succeeded; any other answer, a timeout or a network error did not. */
export interface AttemptResult {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
}

/** At most this much of a receiver's answer is read (and thrown away): a receiver cannot make us buffer its body. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one signed event. Redirects are not followed (a 3xx is a failed attempt, as with Stripe); the whole
 * attempt — connecting, sending, the answer's head and up to 64 KiB of its body — has `WEBHOOK_TIMEOUT_MS`.
 */
@Injectable()
export class WebhookSender {
  constructor(private readonly config: AppConfig) {}

  send(webhook: OutgoingWebhook): Promise<AttemptResult> {
    const url = new URL(webhook.url);
    const options: RequestOptions = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(webhook.body),
        'user-agent': 'Margin-Webhooks/1.0',
        'x-margin-signature': marginSignature(webhook.secret, webhook.body),
        'x-margin-event-id': webhook.eventId,
        'x-margin-event-type': webhook.eventType,
        'x-margin-delivery-id': webhook.deliveryId,
      },
      agent: false,
      ...(this.config.webhooks.allowPrivateUrls ? {} : { lookup: publicOnlyLookup as RequestOptions['lookup'] }),
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const finish = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outgoing.destroy();
        resolve(result);
      };
      const outgoing = request(url, options, (response) => {
        const statusCode = response.statusCode ?? null;
        const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) finish({ succeeded, statusCode, error: null });
        });
        response.on('end', () => finish({ succeeded, statusCode, error: succeeded ? null : `answered ${statusCode}` }));
        response.on('error', () => finish({ succeeded, statusCode, error: null }));
      });
      const timer = setTimeout(
        () => finish({ succeeded: false, statusCode: null, error: `no answer within ${this.config.webhooks.timeoutMs} ms` }),
        this.config.webhooks.timeoutMs,
      );
      outgoing.on('error', (error) => finish({ succeeded: false, statusCode: null, error: describe(error) }));
      outgoing.end(webhook.body);
    });
  }
}

function describe(error: Error & { code?: string }): string {
  return (error.code ? `${error.code}: ${error.message}` : error.message).slice(0, 200);
}
