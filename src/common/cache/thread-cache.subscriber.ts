import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { ThreadCache } from './thread-cache';

/** Flushes the thread-cache invalidations a transaction collected, once it has really committed. */
@Injectable()
export class ThreadCacheSubscriber implements EntitySubscriberInterface, OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cache: ThreadCache,
  ) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    // A released savepoint also broadcasts a commit; only the outermost one counts.
    if (!event.queryRunner.isTransactionActive) await this.cache.flush(event.queryRunner);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.cache.discard(event.queryRunner);
  }
}
