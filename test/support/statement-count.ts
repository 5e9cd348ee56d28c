/**
 * For counts of background work (job workers), which statement-counter.ts's per-request window cannot pick out:
 * the statements a spy on `PostgresQueryRunner.prototype.query` saw, less the webhooks module's subscription
 * refresh: a SELECT outside any transaction that each app runs every few seconds (SUBSCRIPTIONS_REFRESH_MS), which
 * may land inside a counting window on a slow machine (or one whose round trips go through PgBouncer).
 */
export function countedStatements(calls: unknown[][]): number {
  return calls.filter(([sql]) => !(typeof sql === 'string' && sql.includes('FROM webhook_endpoints'))).length;
}
