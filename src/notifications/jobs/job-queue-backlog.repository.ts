import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface QueueBacklog {
  queue: string;
  depth: number;
  oldestAgeSeconds: number;
}

/**
 * Reads pg-boss's own tables at scrape time. Depth counts jobs not yet picked up (`created`
 * and `retry`; pg-boss orders its states, and `< 'active'` is the predicate of its partial
 * index on (name, start_after), so this stays an index scan however large the archive grows).
 * The age is measured from `start_after`, when a job became due: a job waiting out a retry
 * delay is not late, one that has been due for minutes means no worker is taking it.
 */
@Injectable()
export class JobQueueBacklogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async backlogPerQueue(): Promise<QueueBacklog[]> {
    const rows: { queue: string; depth: number; oldest_age_seconds: number }[] = await this.dataSource.query(`
      SELECT q.name AS queue,
             count(j.id)::int AS depth,
             coalesce(extract(epoch FROM now() - min(j.start_after) FILTER (WHERE j.start_after <= now())), 0)::float8
               AS oldest_age_seconds
        FROM pgboss.queue q
        LEFT JOIN pgboss.job j ON j.name = q.name AND j.state < 'active'
       GROUP BY q.name`);
    return rows.map((row) => ({ queue: row.queue, depth: row.depth, oldestAgeSeconds: row.oldest_age_seconds }));
  }
}
