import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The request and reply a stream takes over (the one kind of route that writes its own response). */
export interface StreamTarget {
  request: FastifyRequest;
  reply: FastifyReply;
}

export const EventStreamTarget = createParamDecorator(
  (_: unknown, context: ExecutionContext): StreamTarget => ({
    request: context.switchToHttp().getRequest<FastifyRequest>(),
    reply: context.switchToHttp().getResponse<FastifyReply>(),
  }),
);

/**
 * Marks a route that takes its response over for a stream, so the request
 * hooks (app.factory.ts) still log and count it when its client goes away.
 */
export const EventStreamRoute = () => applyDecorators(RouteConfig({ eventStream: true }));

export function isEventStreamRoute(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { eventStream?: boolean } | undefined)?.eventStream === true;
}
