import { ModuleRef } from '@nestjs/core';

type Token<T> = abstract new (...args: never[]) => T;

/**
 * The provider another module registered for `token`. A rule nobody registered
 * is a start-up error, never a default that quietly turns the rule off.
 */
export function requiredProvider<T>(moduleRef: ModuleRef, token: Token<T>, owner: string): T {
  try {
    return moduleRef.get(token, { strict: false });
  } catch {
    throw new Error(`No ${token.name} is registered: the ${owner} module must provide it (start-up refuses to run without the rule)`);
  }
}
