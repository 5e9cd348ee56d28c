import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { matchesEntityTag } from './http-caching';

/**
 * Answers 304 Not Modified, with no body, to a GET whose `If-None-Match` names
 * the entity tag of the 200 about to be sent. It lives in Fastify's onSend
 * hook because Nest sets the handler's status after interceptors have run.
 */
@Injectable()
export class ConditionalGetHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode !== 200 || (request.method !== 'GET' && request.method !== 'HEAD')) return payload;
      const etag = reply.getHeader('etag');
      if (typeof etag !== 'string' || !matchesEntityTag(request.headers['if-none-match'], etag)) return payload;
      void reply.code(304);
      reply.removeHeader('content-length');
      return null;
    });
  }
}
