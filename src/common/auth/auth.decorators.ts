import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { AuthenticatedUser } from './authenticated-user';
import { Role } from './role';

export const PUBLIC_KEY = 'margin:public';
export const ROLES_KEY = 'margin:roles';
export const CMS_KEY = 'margin:cms';
export const ALLOW_SANCTIONED_KEY = 'margin:allow-sanctioned';
export const WRITE_KEY = 'margin:write';
export const READ_ONLY_KEY = 'margin:read-only';

/** Works without a token; a valid token, when sent, still identifies the viewer. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface AuthOptions {
  roles?: Role[];
  /** Also accept `X-Api-Key: <CMS_API_KEY>` in place of an admin token. */
  cms?: boolean;
}

/** Requires a signed-in account, optionally one of `roles`. */
export function Auth(options: AuthOptions = {}) {
  const decorators = [SetMetadata(ROLES_KEY, options.roles ?? []), ApiBearerAuth()];
  if (options.cms) decorators.push(SetMetadata(CMS_KEY, true), ApiSecurity('cms-api-key'));
  return applyDecorators(...decorators);
}

/**
 * The handler changes something: a suspended or banned reader gets 403 on it.
 * Every non-GET handler says what it is (`@Write()`, `@ReadOnly()` or
 * `@AllowSanctioned()`); one that says nothing is treated as a write.
 */
export const Write = () => SetMetadata(WRITE_KEY, true);

/** A read that happens to use a body-carrying method (a POST of ids to look up): sanctions do not apply. */
export const ReadOnly = () => SetMetadata(READ_ONLY_KEY, true);

/** A write a suspended or banned reader may still make (signing in and out, erasing the account). */
export const AllowSanctioned = () => applyDecorators(Write(), SetMetadata(ALLOW_SANCTIONED_KEY, true));

type RequestWithUser = FastifyRequest & { user?: AuthenticatedUser };

/** The signed-in user; only on routes that require one. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<RequestWithUser>().user;
  if (!user) throw new AppError('UNAUTHENTICATED');
  return user;
});

/** The signed-in user if a valid token was sent, else undefined; for public reads. */
export const Viewer = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedUser | undefined =>
    context.switchToHttp().getRequest<RequestWithUser>().user,
);
