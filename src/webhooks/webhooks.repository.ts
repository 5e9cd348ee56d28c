import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context';
import { DeliveryStatus } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/** Any fixed number, distinct from the other advisory lock keys: the first half of a webhook lane's lock. */
const LANE_LOCK_KEY = 4_242_017;

export interface EndpointFields {
  url: string;
  secret: string | null;
  events: string[];
}

export interface ClaimedDelivery {
  id: string;
  attempts: number;
  createdAt: Date;
  eventId: string;
  eventType: string;
  eventData: Record<string, unknown>;
  eventCreatedAt: Date;
  url: string;
  secret: string;
}

export interface DeliveryRow {
  id: string;
  seq: string;
  eventId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface Lane {
  endpointId: string;
  lane: string;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly txHost: TransactionContext) {}

  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  findEndpoint(id: string): Promise<WebhookEndpoint | null> {
    return this.tx.getRepository(WebhookEndpoint).findOne({ where: { id } });
  }

  /** Locks the endpoint's row (if any) for a replace, so two admins saving at once do not interleave. */
  async lockEndpoint(id: string): Promise<WebhookEndpoint | null> {
    return this.tx.getRepository(WebhookEndpoint).createQueryBuilder('endpoint').setLock('pessimistic_write').where('endpoint.id = :id', { id }).getOne();
  }

  /** Creates or replaces; a null secret keeps the stored one (the caller checks that one exists). */
  async upsertEndpoint(id: string, fields: EndpointFields): Promise<{ endpoint: WebhookEndpoint; created: boolean }> {
    const rows: { created: boolean }[] = await this.tx.query(
      `INSERT INTO webhook_endpoints AS e (id, url, secret, events)
       VALUES ($1, $2, COALESCE($3, ''), $4::text[])
       ON CONFLICT (id) DO UPDATE SET
         url = EXCLUDED.url,
         secret = COALESCE($3, e.secret),
         events = EXCLUDED.events,
         updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [id, fields.url, fields.secret, fields.events],
    );
    return { endpoint: (await this.findEndpoint(id)) as WebhookEndpoint, created: rows[0].created };
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    const result = await this.tx.getRepository(WebhookEndpoint).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /** Ordered by id; `limit + 1` rows so the caller knows whether another page exists. */
  findEndpointsPage(limit: number, afterId?: string): Promise<WebhookEndpoint[]> {
    const query = this.tx.getRepository(WebhookEndpoint).createQueryBuilder('endpoint').orderBy('endpoint.id', 'ASC').limit(limit + 1);
    if (afterId !== undefined) query.where('endpoint.id > :afterId', { afterId });
    return query.getMany();
  }

  /** Every event type some endpoint subscribes to. */
  async subscribedEventTypes(): Promise<string[]> {
    const rows: { type: string }[] = await this.tx.query(`SELECT DISTINCT unnest(events) AS type FROM webhook_endpoints`);
    return rows.map((row) => row.type);
  }

  /**
   * Records an event and one delivery per endpoint subscribed to its type, in the caller's transaction, and
   * returns those endpoints. The lane's transaction lock is taken first and held to commit, so deliveries in one
   * lane are numbered (`seq`) in the order their transactions commit: a later event can never be visible to the
   * workers while an earlier one of the same article is still uncommitted.
   */
  async recordEvent(type: string, lane: string, data: Record<string, unknown>): Promise<string[]> {
    const rows: { endpoint_id: string }[] = await this.tx.query(
      `WITH lane_lock AS (SELECT pg_advisory_xact_lock($1, hashtext($3))),
            targets AS (SELECT e.id FROM webhook_endpoints e, lane_lock WHERE $2 = ANY(e.events)),
            event AS (
              INSERT INTO webhook_events (type, data) SELECT $2, $4::jsonb WHERE EXISTS (SELECT 1 FROM targets) RETURNING id
            )
       INSERT INTO webhook_deliveries (endpoint_id, event_id, lane)
       SELECT targets.id, event.id, $3 FROM targets, event ORDER BY targets.id
       RETURNING endpoint_id`,
      [LANE_LOCK_KEY, type, lane, JSON.stringify(data)],
    );
    return rows.map((row) => row.endpoint_id);
  }

  /**
   * Takes the lane's oldest pending delivery for one attempt, if it is due and no other worker holds it: counts
   * the attempt and leases it for `leaseMs` (a worker that dies mid-attempt leaves it to the next after that).
   * Null when the lane is empty, waiting out a retry, or in another worker's hands.
   */
  async claimLaneHead(lane: Lane, leaseMs: number): Promise<ClaimedDelivery | null> {
    const rows = returnedRows<Record<string, unknown>>(await this.tx.query(
      `WITH head AS (
         SELECT id FROM webhook_deliveries
          WHERE endpoint_id = $1 AND lane = $2 AND status = 'pending'
          ORDER BY seq LIMIT 1 FOR UPDATE
       )
       UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1, lease_until = now() + make_interval(secs => $3::float8 / 1000)
         FROM head, webhook_events ev, webhook_endpoints ep
        WHERE d.id = head.id AND ev.id = d.event_id AND ep.id = d.endpoint_id
          AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now())
          AND (d.lease_until IS NULL OR d.lease_until <= now())
       RETURNING d.id, d.attempts, d.created_at, ev.id AS event_id, ev.type AS event_type, ev.data AS event_data,
                 ev.created_at AS event_created_at, ep.url, ep.secret`,
      [lane.endpointId, lane.lane, leaseMs],
    ));
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id as string,
      attempts: row.attempts as number,
      createdAt: row.created_at as Date,
      eventId: row.event_id as string,
      eventType: row.event_type as string,
      eventData: row.event_data as Record<string, unknown>,
      eventCreatedAt: row.event_created_at as Date,
      url: row.url as string,
      secret: row.secret as string,
    };
  }

  async markSucceeded(id: string, statusCode: number | null): Promise<void> {
    await this.tx.query(
      `UPDATE webhook_deliveries SET status = 'succeeded', last_status_code = $2, last_error = NULL, next_attempt_at = NULL,
              lease_until = NULL, completed_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, statusCode],
    );
  }

  async markFailed(id: string, statusCode: number | null, error: string | null): Promise<void> {
    await this.tx.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_status_code = $2, last_error = $3, next_attempt_at = NULL,
              lease_until = NULL, completed_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, statusCode, error],
    );
  }

  async scheduleRetry(id: string, statusCode: number | null, error: string | null, at: Date): Promise<void> {
    await this.tx.query(
      `UPDATE webhook_deliveries SET last_status_code = $2, last_error = $3, next_attempt_at = $4, lease_until = NULL
        WHERE id = $1 AND status = 'pending'`,
      [id, statusCode, error, at],
    );
  }

  /** An endpoint's deliveries, newest first; `limit + 1` rows so the caller knows whether another page exists. */
  async findDeliveriesPage(endpointId: string, limit: number, beforeSeq?: number): Promise<DeliveryRow[]> {
    const rows: Record<string, unknown>[] = await this.tx.query(
      `SELECT d.id, d.seq, d.event_id, ev.type AS event, d.status, d.attempts, d.last_status_code, d.last_error,
              d.next_attempt_at, d.created_at, d.completed_at
         FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
        WHERE d.endpoint_id = $1 AND ($2::bigint IS NULL OR d.seq < $2::bigint)
        ORDER BY d.seq DESC
        LIMIT $3`,
      [endpointId, beforeSeq ?? null, limit + 1],
    );
    return rows.map((row) => ({
      id: row.id as string,
      seq: row.seq as string,
      eventId: row.event_id as string,
      event: row.event as string,
      status: row.status as DeliveryStatus,
      attempts: row.attempts as number,
      lastStatusCode: row.last_status_code as number | null,
      lastError: row.last_error as string | null,
      nextAttemptAt: row.next_attempt_at as Date | null,
      createdAt: row.created_at as Date,
      completedAt: row.completed_at as Date | null,
    }));
  }

  /** Lanes whose head has been due for over `overdueSeconds` with no worker on it: their job was lost. */
  async findOverdueLanes(overdueSeconds: number, limit: number): Promise<Lane[]> {
    const rows: { endpoint_id: string; lane: string }[] = await this.tx.query(
      `SELECT DISTINCT endpoint_id, lane FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now() - make_interval(secs => $1)
          AND (lease_until IS NULL OR lease_until <= now())
        LIMIT $2`,
      [overdueSeconds, limit],
    );
    return rows.map((row) => ({ endpointId: row.endpoint_id, lane: row.lane }));
  }

  /** Pending deliveries, and how long the one due longest ago has been due (0 when none is). */
  async backlog(): Promise<{ pending: number; oldestDueSeconds: number }> {
    const rows: { pending: number; oldest: number }[] = await this.tx.query(
      `SELECT count(*)::int AS pending,
              coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now())), 0)::float8 AS oldest
         FROM webhook_deliveries WHERE status = 'pending'`,
    );
    return { pending: rows[0].pending, oldestDueSeconds: rows[0].oldest };
  }

  /** Deletes events older than `days` none of whose deliveries is still pending (their deliveries go with them). */
  async purgeOlderThan(days: number, batchSize: number): Promise<number> {
    const rows = returnedRows<{ id: string }>(await this.tx.query(
      `DELETE FROM webhook_events WHERE id IN (
         SELECT ev.id FROM webhook_events ev
          WHERE ev.created_at < now() - make_interval(days => $1)
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.status = 'pending')
          LIMIT $2)
       RETURNING id`,
      [days, batchSize],
    ));
    return rows.length;
  }
}

/** The rows an UPDATE or DELETE … RETURNING gave back: TypeORM's Postgres driver answers those with `[rows, count]`. */
function returnedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as T[];
}
