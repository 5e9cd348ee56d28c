import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import { Counter, Histogram, register } from 'prom-client';
import { marginSignature } from '../common/http/margin-signature';

export interface ExternalModerationConfig {
  url: string;
  secret: string;
  timeoutMs: number;
}

/** What is sent: the comment, its author and its article, as the contract names them. */
export interface ExternalModerationRequest {
  comment: { body: string; parentId: string | null };
  author: { id: string; displayName: string; createdAt: string };
  article: { id: string; url: string };
}

export type ExternalDecision = { decision: 'visible' | 'pending' } | { decision: 'rejected'; reason: string | null };

/** Why no decision came back: the comment is then left to the local rules. */
type Failure = 'timeout' | 'error' | 'bad_status' | 'bad_answer' | 'overloaded';
type Outcome = ExternalDecision['decision'] | Failure;

/** Sockets per origin: at most this many requests are on the wire at once (keep-alive, reused). */
export const EXTERNAL_MODERATION_MAX_SOCKETS = 32;
/** Beyond this many requests waiting or on the wire, new comments skip the hook (local rules) instead of queueing. */
export const EXTERNAL_MODERATION_MAX_IN_FLIGHT = 256;
/** Answers larger than this are not a decision. */
const MAX_ANSWER_BYTES = 16 * 1024;
const MAX_REASON_LENGTH = 500;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;

const requests =
  (register.getSingleMetric('margin_external_moderation_requests_total') as Counter<'outcome'> | undefined) ??
  new Counter({
    name: 'margin_external_moderation_requests_total',
    help: 'Comments sent to the external moderation hook, by outcome: its decision (visible, pending, rejected) or why none came (timeout, error, bad_status, bad_answer, overloaded: the comment followed the local rules)',
    labelNames: ['outcome'],
  });
const duration =
  (register.getSingleMetric('margin_external_moderation_duration_seconds') as Histogram<'outcome'> | undefined) ??
  new Histogram({
    name: 'margin_external_moderation_duration_seconds',
    help: 'Time the external moderation hook added to a post, by outcome',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1, 2, 3],
  });

/**
 * The external moderation hook: POSTs the comment signed with `X-Margin-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">` (as Stripe signs its webhooks) and reads `{decision, reason?}`. No answer within the timeout, a
 * non-2xx status, or an answer that is not such a decision gives null (the local rules decide), is logged and counted.
 * Connections are kept alive and bounded per origin; past EXTERNAL_MODERATION_MAX_IN_FLIGHT waiting requests, the
 * hook is skipped rather than letting posts queue behind a slow classifier. The secret is never logged.
 */
@Injectable()
export class ExternalModerationClient implements OnApplicationShutdown {
  private readonly logger = new Logger('ExternalModeration');
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: EXTERNAL_MODERATION_MAX_SOCKETS }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: EXTERNAL_MODERATION_MAX_SOCKETS }),
  };
  private inFlight = 0;

  async review(config: ExternalModerationConfig, request: ExternalModerationRequest): Promise<ExternalDecision | null> {
    const started = process.hrtime.bigint();
    let outcome: Outcome;
    let decision: ExternalDecision | null = null;
    if (this.inFlight >= EXTERNAL_MODERATION_MAX_IN_FLIGHT) {
      outcome = 'overloaded';
    } else {
      this.inFlight += 1;
      try {
        const answer = await this.post(config, JSON.stringify(request));
        decision = answer.ok ? answer.decision : null;
        outcome = answer.ok ? answer.decision.decision : answer.failure;
        if (!answer.ok) this.logger.warn(`External moderation at ${originOf(config.url)} gave no decision (${answer.detail}); the local rules decide`);
      } finally {
        this.inFlight -= 1;
      }
    }
    if (outcome === 'overloaded') this.logger.warn(`External moderation skipped: ${this.inFlight} requests already waiting; the local rules decide`);
    requests.inc({ outcome });
    duration.observe({ outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    return decision;
  }

  private post(
    config: ExternalModerationConfig,
    body: string,
  ): Promise<{ ok: true; decision: ExternalDecision } | { ok: false; failure: Failure; detail: string }> {
    return new Promise((resolve) => {
      let settled = false;
      const clock: { timer?: NodeJS.Timeout } = {};
      const finish = (result: { ok: true; decision: ExternalDecision } | { ok: false; failure: Failure; detail: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(clock.timer);
        resolve(result);
      };
      let target: URL;
      try {
        target = new URL(config.url);
      } catch {
        finish({ ok: false, failure: 'error', detail: 'the URL does not parse' });
        return;
      }
      const transport = target.protocol === 'https:' ? https : http;
      const agent = target.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'];
      const outgoing = transport.request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            Accept: 'application/json',
            'User-Agent': 'Margin-Moderation/1',
            'X-Margin-Signature': marginSignature(config.secret, body),
          },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) {
              finish({ ok: false, failure: 'bad_answer', detail: `an answer over ${MAX_ANSWER_BYTES} bytes` });
              response.destroy();
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', (error) => finish({ ok: false, failure: 'error', detail: error.message }));
          response.on('end', () => {
            if (status < 200 || status >= 300) {
              finish({ ok: false, failure: 'bad_status', detail: `status ${status}` });
              return;
            }
            const decision = parseDecision(Buffer.concat(chunks).toString('utf8'));
            finish(decision ? { ok: true, decision } : { ok: false, failure: 'bad_answer', detail: 'an answer that is not {decision, reason?}' });
          });
        },
      );
      clock.timer = setTimeout(() => {
        finish({ ok: false, failure: 'timeout', detail: `no answer within ${config.timeoutMs} ms` });
        outgoing.destroy();
      }, config.timeoutMs);
      outgoing.on('error', (error) => finish({ ok: false, failure: 'error', detail: error.message }));
      outgoing.end(body);
    });
  }

  onApplicationShutdown(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

/** `{decision: "visible"|"pending"|"rejected", reason?}`, or null for anything else. */
export function parseDecision(text: string): ExternalDecision | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const { decision, reason } = parsed as { decision?: unknown; reason?: unknown };
  if (reason !== undefined && reason !== null && typeof reason !== 'string') return null;
  if (decision === 'visible' || decision === 'pending') return { decision };
  if (decision !== 'rejected') return null;
  const cleaned = typeof reason === 'string' ? reason.replace(CONTROL_CHARACTERS, '').trim().slice(0, MAX_REASON_LENGTH) : '';
  return { decision, reason: cleaned.length > 0 ? cleaned : null };
}

/** Scheme, host and port only: a URL's path or query may carry a token, which logs must not. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparseable URL)';
  }
}
