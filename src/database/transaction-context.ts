import { Global, INestApplication, Module } from '@nestjs/common';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import type { EntityManager } from 'typeorm';
import { RecentWriters } from './read-your-writes';
import { ReplicaReads } from './replica-reads';
import { ReplicaReadsInterceptor } from './replica-tolerant';
import { replicaManagerInScope } from './replica-scope';

/**
 * The current unit of work. Repositories run every statement on `tx` (the
 * transaction's manager inside one, the pool's outside), so a statement cannot
 * leave its transaction for another pool connection by accident. Services mark
 * units of work with UnitOfWork (unit-of-work.ts), never here directly: it is
 * what runs the after-commit handlers once the transaction has committed.
 */
export abstract class TransactionContext extends TransactionHost<TransactionalAdapterTypeOrm> {}

const primaryTx = Object.getOwnPropertyDescriptor(TransactionHost.prototype, 'tx')?.get;

/**
 * With replicas configured, `tx` outside a transaction is the replica's manager
 * inside a replica scope (a `@ReplicaTolerant()` route), else the primary's as
 * always; a transaction is always on the primary. Without replicas it is the
 * plugin's host itself, untouched.
 */
function replicaAware(host: TransactionHost<TransactionalAdapterTypeOrm>, replicas: ReplicaReads): TransactionHost<TransactionalAdapterTypeOrm> {
  if (!replicas.configured || !primaryTx) return host;
  const primary = primaryTx;
  return Object.create(host, {
    tx: {
      get(): EntityManager {
        const replica = replicaManagerInScope();
        if (replica && !host.isTransactionActive()) return replica;
        return primary.call(host) as EntityManager;
      },
    },
  }) as TransactionHost<TransactionalAdapterTypeOrm>;
}

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
  providers: [
    ReplicaReads,
    RecentWriters,
    ReplicaReadsInterceptor,
    { provide: TransactionContext, inject: [TransactionHost, ReplicaReads], useFactory: replicaAware },
  ],
  exports: [TransactionContext, ReplicaReads, RecentWriters, ReplicaReadsInterceptor],
})
export class TransactionContextModule {}


interface EnhancerLists {
  getGlobalGuards(): object[];
  getGlobalInterceptors(): object[];
}

/**
 * nestjs-cls always registers a global guard and a global interceptor; with nothing mounted
 * (as here) they are plain-object no-ops, yet each still costs every request a pass through
 * Nest's enhancer chain (an rxjs pipe and an AsyncResource.bind). Measured on the cached
 * thread read, they took it from about 19,600 to about 8,500 req/s. Every enhancer of ours is
 * a class instance, so the plain objects are theirs; drop them before the routes are built.
 */
export function dropNoOpClsEnhancers(app: INestApplication): void {
  const config = (app as unknown as { config: EnhancerLists }).config;
  for (const list of [config.getGlobalGuards(), config.getGlobalInterceptors()]) {
    for (let index = list.length - 1; index >= 0; index -= 1) {
      const enhancer = list[index];
      if (enhancer && Object.getPrototypeOf(enhancer) === Object.prototype) list.splice(index, 1);
    }
  }
}
