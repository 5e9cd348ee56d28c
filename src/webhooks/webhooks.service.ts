import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { Upserted } from '../common/http/upserted';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { UpsertWebhookDto, WEBHOOK_ID_PATTERN, WebhookDeliveryView, WebhookView } from './dto/webhook.dto';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEventType } from './webhook-events';
import { WebhookRecorder } from './webhook-recorder';
import { urlProblem } from './webhook-target';
import { DeliveryRow, WebhooksRepository } from './webhooks.repository';

/** The newsroom's webhook endpoints: admins create, replace, read and remove them, and read their delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly webhooks: WebhooksRepository,
    private readonly recorder: WebhookRecorder,
    private readonly config: AppConfig,
  ) {}

  /** PUT: creates the endpoint under the admin's id (secret required) or replaces it (an absent secret is kept). */
  async upsert(id: string, input: UpsertWebhookDto): Promise<Upserted<WebhookView>> {
    if (!WEBHOOK_ID_PATTERN.test(id)) throw invalid('id', 'id must be 1–128 characters of A-Z a-z 0-9 . _ : -');
    const problem = urlProblem(input.url, this.config.webhooks.allowPrivateUrls);
    if (problem) throw invalid('url', problem);
    const { endpoint, created } = await this.unitOfWork.run(async () => {
      const existing = await this.webhooks.lockEndpoint(id);
      if (!existing && input.secret === undefined) throw invalid('secret', 'secret is required when the endpoint is created');
      return this.webhooks.upsertEndpoint(id, { url: input.url, secret: input.secret ?? null, events: input.events });
    });
    await this.recorder.refreshSubscriptions();
    return new Upserted(toWebhookView(endpoint), created);
  }

  async get(id: string): Promise<WebhookView> {
    return toWebhookView(await this.findOrFail(id));
  }

  async page(limit: number, cursor?: string): Promise<Page<WebhookView>> {
    const afterId = cursor === undefined ? undefined : (decodeCursor(cursor, ['string'])[0] as string);
    const rows = await this.webhooks.findEndpointsPage(limit, afterId);
    return toPage(rows, limit, (row) => [row.id], toWebhookView);
  }

  /** Removes the endpoint with its delivery log; deliveries still pending are not sent. */
  async remove(id: string): Promise<void> {
    const removed = WEBHOOK_ID_PATTERN.test(id) && (await this.webhooks.deleteEndpoint(id));
    if (!removed) throw notFound();
    await this.recorder.refreshSubscriptions();
  }

  async deliveries(id: string, limit: number, cursor?: string): Promise<Page<WebhookDeliveryView>> {
    const endpoint = await this.findOrFail(id);
    const beforeSeq = cursor === undefined ? undefined : (decodeCursor(cursor, ['number'])[0] as number);
    const rows = await this.webhooks.findDeliveriesPage(endpoint.id, limit, beforeSeq);
    return toPage(rows, limit, (row) => [Number(row.seq)], toDeliveryView);
  }

  private async findOrFail(id: string): Promise<WebhookEndpoint> {
    const endpoint = WEBHOOK_ID_PATTERN.test(id) ? await this.webhooks.findEndpoint(id) : null;
    if (!endpoint) throw notFound();
    return endpoint;
  }
}

function notFound(): AppError {
  return new AppError('WEBHOOK_NOT_FOUND', 'No webhook endpoint has this id');
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, [{ field, message }]);
}

function toWebhookView(endpoint: WebhookEndpoint): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events as WebhookEventType[],
    secretHint: `…${endpoint.secret.slice(-4)}`,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

function toDeliveryView(row: DeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    event: row.event,
    eventId: row.eventId,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt ? row.nextAttemptAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
  };
}
