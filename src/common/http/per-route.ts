import type { ExecutionContext, Type } from '@nestjs/common';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a route handler is any method
type Handler = Function;

/**
 * What a guard reads from a route's decorators, worked out once per route instead of on every request:
 * decorator metadata is fixed once the application has started, and reading it back through the
 * Reflector (a metadata lookup up the prototype chain per key) cost a few per cent of a cached read.
 * Keyed weakly by controller class and handler, so a route's facts live as long as the route.
 */
export class PerRoute<T> {
  private readonly byClass = new WeakMap<Type<unknown> | object, WeakMap<Handler, T>>();

  constructor(private readonly compute: (targets: [Handler, Type<unknown>]) => T) {}

  of(context: ExecutionContext): T {
    const handler = context.getHandler();
    const classRef = context.getClass();
    let byHandler = this.byClass.get(classRef);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.byClass.set(classRef, byHandler);
    }
    let facts = byHandler.get(handler);
    if (facts === undefined) {
      facts = this.compute([handler, classRef]);
      byHandler.set(handler, facts);
    }
    return facts;
  }
}
