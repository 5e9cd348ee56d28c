import { Global, Module } from '@nestjs/common';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';

/**
 * The current unit of work. Repositories run every statement on `tx` (the
 * transaction's manager inside one, the pool's outside), so a statement cannot
 * leave its transaction for another pool connection by accident. Services mark
 * units of work with UnitOfWork (unit-of-work.ts), never here directly: it is
 * what runs the after-commit handlers once the transaction has committed.
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

