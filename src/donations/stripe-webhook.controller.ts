import { Controller, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Public, Write } from '../common/auth/auth.decorators';
import { WebhooksConfiguredGuard } from './payments-configured.guard';
import { StripeWebhookService } from './stripe-webhook.service';

class WebhookReceivedView {
  @ApiProperty({ example: true }) received: boolean;
}

type RequestWithRawBody = FastifyRequest & { raw: IncomingMessage & { rawBody?: Buffer } };

@ApiTags('donations')
@Controller('webhooks')
@UseGuards(WebhooksConfiguredGuard)
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhookService) {}

  @Post('stripe')
  @Write()
  @Public()
  @SkipThrottle()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stripe events (raw body, Stripe-Signature verified); each event id is applied once' })
  @ApiOkResponse({ type: WebhookReceivedView })
  async receive(@Req() request: RequestWithRawBody, @Headers('stripe-signature') signature?: string): Promise<WebhookReceivedView> {
    await this.webhooks.receive(request.raw.rawBody, signature);
    return { received: true };
  }
}
