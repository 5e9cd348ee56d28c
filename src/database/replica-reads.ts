import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge, register } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, LAG_PROBE_SECONDS } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { parseLsn, PrimaryWalHistory } from './replica-lag';

// Each replica takes reads only: a pool of its own, smaller than the primary's.
const REPLICA_POOL_SIZE = 10;
const PROBE_TIMEOUT_MS = 2_000;

export type ReplicaState = 'in-use' | 'lagging' | 'down';

export interface ReplicaStatus {
  /** `replica-1`, `replica-2`, … in the order of DATABASE_REPLICA_URLS (never the URL: it may hold a password). */
  name: string;
  state: ReplicaState;
  /** Seconds of the primary's writes it has not replayed; null while it does not answer. */
  lagSeconds: number | null;
}

interface Replica {
  name: string;
  dataSource: DataSource;
  lagSeconds: number | null;
}

const lagGauge =
  (register.getSingleMetric('margin_db_replica_lag_seconds') as Gauge | undefined) ??
  new Gauge({ name: 'margin_db_replica_lag_seconds', help: 'Seconds of primary writes each replica has not replayed (-1: does not answer)', labelNames: ['replica'] });
const inUseGauge =
  (register.getSingleMetric('margin_db_replica_in_use') as Gauge | undefined) ??
  new Gauge({ name: 'margin_db_replica_in_use', help: '1 while a replica takes lag-tolerant reads, else 0', labelNames: ['replica'] });

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The streaming replicas of DATABASE_REPLICA_URLS. Every LAG_PROBE_SECONDS it
 * reads the primary's WAL position and each replica's replayed position; a
 * replica more than REPLICA_MAX_LAG_SECONDS behind, or not answering, takes no
 * reads until it catches up. `pick` gives the replica with the least lag (round
 * robin among equals), or null: then the read goes to the primary.
 * TypeORM's own replication mode is not used, since it sends every entity read
 * outside a transaction to a replica, reads just after a write included.
 */
@Injectable()
export class ReplicaReads implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ReplicaReads');
  private readonly replicas: Replica[];
  private readonly primaryWal = new PrimaryWalHistory();
  private timer?: NodeJS.Timeout;
  private probing?: Promise<void>;
  private turn = 0;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly primary: DataSource,
  ) {
    this.replicas = config.databaseReplicaUrls.map((url, index) => ({
      name: `replica-${index + 1}`,
      dataSource: new DataSource({ ...dataSourceOptions(url, REPLICA_POOL_SIZE), migrations: [] }),
      lagSeconds: null,
    }));
  }

  get configured(): boolean {
    return this.replicas.length > 0;
  }

  async onModuleInit(): Promise<void> {
    if (!this.configured) return;
    // The first probe is awaited (bounded), so the first reads can already use a replica that answers.
    await this.probe();
    this.timer = setInterval(() => {
      this.probing ??= this.probe().finally(() => (this.probing = undefined));
    }, LAG_PROBE_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.probing;
    for (const replica of this.replicas) {
      if (replica.dataSource.isInitialized) await replica.dataSource.destroy().catch(() => undefined);
    }
  }

  /** The manager of the replica to read from now, or null for the primary. */
  pick(): EntityManager | null {
    let best: Replica[] = [];
    for (const replica of this.replicas) {
      if (this.stateOf(replica) !== 'in-use') continue;
      const lag = replica.lagSeconds ?? Infinity;
      const bestLag = best[0]?.lagSeconds ?? Infinity;
      if (best.length === 0 || lag < bestLag) best = [replica];
      else if (lag === bestLag) best.push(replica);
    }
    if (best.length === 0) return null;
    this.turn = (this.turn + 1) % best.length;
    return best[this.turn].dataSource.manager;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((replica) => ({ name: replica.name, state: this.stateOf(replica), lagSeconds: replica.lagSeconds === null ? null : Math.round(replica.lagSeconds * 10) / 10 }));
  }

  /** A replica's query failed for want of a connection: no reads for it until the next probe finds it answering. */
  markDown(manager: EntityManager): void {
    const replica = this.replicas.find((candidate) => candidate.dataSource.manager === manager);
    if (replica) replica.lagSeconds = null;
  }

  private stateOf(replica: Replica): ReplicaState {
    if (replica.lagSeconds === null) return 'down';
    return replica.lagSeconds <= this.config.replicaMaxLagSeconds ? 'in-use' : 'lagging';
  }

  private async probe(): Promise<void> {
    try {
      const [row] = await withinTimeout(this.primary.query<{ lsn: string }[]>('SELECT pg_current_wal_lsn()::text AS lsn'));
      this.primaryWal.record(parseLsn(row.lsn), Date.now());
    } catch {
      // The primary is readiness's business; replicas are measured against the samples kept.
    }
    await Promise.all(this.replicas.map((replica) => this.probeReplica(replica)));
  }

  private async probeReplica(replica: Replica): Promise<void> {
    const wasState = this.stateOf(replica);
    try {
      if (!replica.dataSource.isInitialized) await withinTimeout(replica.dataSource.initialize());
      const [row] = await withinTimeout(
        replica.dataSource.query<{ replayed: string | null }[]>('SELECT pg_last_wal_replay_lsn()::text AS replayed'),
      );
      // A server that is not in recovery has no replay position: it is no replica, and gets no reads.
      replica.lagSeconds = row.replayed === null ? null : this.primaryWal.lagSeconds(parseLsn(row.replayed), Date.now());
    } catch {
      replica.lagSeconds = null;
    }
    const state = this.stateOf(replica);
    lagGauge.set({ replica: replica.name }, replica.lagSeconds ?? -1);
    inUseGauge.set({ replica: replica.name }, state === 'in-use' ? 1 : 0);
    if (state !== wasState) this.logger.log(`${replica.name} is now ${state}${replica.lagSeconds === null ? '' : ` (lag ${replica.lagSeconds.toFixed(1)} s)`}`);
  }
}
