import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainEvents } from '../common/events/domain-events';
import { retryOnConflict } from './retry-on-conflict';
import { TransactionContext } from './transaction-context';

/**
 * Where services mark a unit of work. The outermost unit opens the transaction;
 * nested ones join it. Once it has committed and its connection is back in the
 * pool, the after-commit handlers it queued run (so they can never hold up or
 * deadlock the pool, and never run after a rollback); the caller's promise
 * resolves only after them, so a writer's next read sees, for example, the
 * thread cache already invalidated.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly txHost: TransactionContext,
    private readonly events: DomainEvents,
  ) {}

  /** The current transaction's manager (the pool's outside one). */
  get tx(): EntityManager {
    return this.txHost.tx;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.txHost.isTransactionActive()) return work();
    const committed = this.events.openQueue();
    const result = await this.txHost.withTransaction(() => this.events.collecting(committed, work));
    await this.events.runQueued(committed);
    return result;
  }

  /**
   * Like `run`, for writes that may meet a deadlock or serialization failure: the
   * whole outermost unit runs again from the start (see retryOnConflict). Inside
   * a unit already open it joins it, and the outermost one is the one retried.
   */
  runRetried<T>(work: () => Promise<T>): Promise<T> {
    if (this.txHost.isTransactionActive()) return work();
    return retryOnConflict(() => this.run(work));
  }
}
