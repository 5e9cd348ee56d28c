import { Global, Module } from '@nestjs/common';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { retryOnConflict } from './retry-on-conflict';

/**
 * The current unit of work. Repositories run every statement on `tx` (the
 * transaction's manager inside one, the pool's outside), so a statement cannot
 * leave its transaction for another pool connection by accident; services mark
 * units with `@Transactional()` or `withTransaction`, and nested units join the
 * outer one.
 */
export abstract class TransactionContext extends TransactionHost<TransactionalAdapterTypeOrm> {}

/**
 * No CLS middleware or interceptor: a request that opens no transaction pays
 * nothing, and `withTransaction` opens its own CLS context where there is none
 * (requests, pg-boss workers and start-up code alike).
 */
@Global()
@Module({
  imports: [
    ClsModule.forRoot({
      global: true,
      middleware: { mount: false },
      plugins: [
        new ClsPluginTransactional({
          adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
        }),
      ],
    }),
  ],
  // The plugin's host under a name of our own, so that injecting it needs no generic type.
  providers: [{ provide: TransactionContext, useExisting: TransactionHost }],
  exports: [TransactionContext],
})
export class TransactionContextModule {}

/**
 * Runs `work` as one unit of work that PostgreSQL may abort to break a deadlock
 * or a serialization conflict: inside a transaction already open it joins it
 * (the outermost unit is the one to run again), otherwise it opens one and runs
 * it again from the start on such an abort (see retryOnConflict).
 */
export function withRetriedTransaction<T>(txHost: TransactionContext, work: () => Promise<T>): Promise<T> {
  if (txHost.isTransactionActive()) return work();
  return retryOnConflict(() => txHost.withTransaction(work));
}
