import { Type } from '@nestjs/common';
import { GUARDS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { THROTTLER_SKIP } from '@nestjs/throttler/dist/throttler.constants';
import { ALLOW_SANCTIONED_KEY, READ_ONLY_KEY, CMS_KEY, PUBLIC_KEY, ROLES_KEY, Viewer } from '../auth/auth.decorators';
import { Role } from '../auth/role';

/** What the global guards and decorators say about one handler, read the way the guards read it. */
export interface RouteFacts {
  isPublic: boolean;
  roles: Role[];
  acceptsCmsKey: boolean;
  allowsSanctioned: boolean;
  /** Marked `@ReadOnly()`: a read that uses a body-carrying method, so sanctions do not apply. */
  readOnly: boolean;
  /** The handler takes `@Viewer()`: a token, when sent, changes what it answers. */
  readsViewer: boolean;
  throttled: boolean;
  guards: unknown[];
}

function metadata<T>(key: string, controller: Type, handler: object): T | undefined {
  return (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined);
}

/**
 * `createParamDecorator` gives each decorator a random key prefix; applying
 * `@Viewer()` once to a probe tells us which prefix is Viewer's.
 */
class ViewerProbe {
  handler(@Viewer() viewer: unknown): unknown {
    return viewer;
  }
}
const VIEWER_ARG_PREFIX = Object.keys(
  Reflect.getMetadata(ROUTE_ARGS_METADATA, ViewerProbe, 'handler') as Record<string, unknown>,
)[0].split(':')[0];

export function routeFactsOf(controller: Type, handlerName: string): RouteFacts {
  const handler = (controller.prototype as Record<string, object>)[handlerName];
  const routeArgs = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) ?? {}) as Record<string, unknown>;
  const skips = metadata<boolean>(`${THROTTLER_SKIP}default`, controller, handler);
  return {
    isPublic: metadata<boolean>(PUBLIC_KEY, controller, handler) === true,
    roles: metadata<Role[]>(ROLES_KEY, controller, handler) ?? [],
    acceptsCmsKey: metadata<boolean>(CMS_KEY, controller, handler) === true,
    allowsSanctioned: metadata<boolean>(ALLOW_SANCTIONED_KEY, controller, handler) === true,
    readOnly: metadata<boolean>(READ_ONLY_KEY, controller, handler) === true,
    readsViewer: Object.keys(routeArgs).some((key) => key.split(':')[0] === VIEWER_ARG_PREFIX),
    throttled: skips !== true,
    guards: [
      ...((Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[] | undefined) ?? []),
      ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined) ?? []),
    ],
  };
}
