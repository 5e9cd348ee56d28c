import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/**
 * Which database a read outside a transaction goes to: the replica's manager
 * inside `onReplica`, the primary (the default, and inside `onPrimary`).
 * Only routes marked `@ReplicaTolerant()` ever open a replica scope.
 */
const scope = new AsyncLocalStorage<EntityManager | null>();

export function onReplica<T>(manager: EntityManager, work: () => T): T {
  return scope.run(manager, work);
}

/** Runs `work` on the primary even inside a replica scope (what is built for the shared cache). */
export function onPrimary<T>(work: () => T): T {
  return scope.getStore() ? scope.run(null, work) : work();
}

export function replicaManagerInScope(): EntityManager | null {
  return scope.getStore() ?? null;
}
