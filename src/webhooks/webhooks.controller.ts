import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Write } from '../common/auth/auth.decorators';
import { Upserted, UpsertStatus } from '../common/http/upserted';
import { Page } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { PageOf } from '../common/pagination/page.dto';
import { UpsertWebhookDto, WebhookDeliveryView, WebhookView } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const WebhookPage = PageOf(WebhookView);
const WebhookDeliveryPage = PageOf(WebhookDeliveryView);

@ApiTags('webhooks')
@Controller('admin/webhooks')
export class AdminWebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'The outbound webhook endpoints, by id' })
  @ApiOkResponse({ type: WebhookPage })
  list(@Query() query: PageQueryDto): Promise<Page<WebhookView>> {
    return this.webhooks.page(query.limit, query.cursor);
  }

  @Put(':id')
  @Write()
  @Auth({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Create (201) or replace (200) an outbound webhook endpoint under an id of your choosing',
    description:
      'Events are POSTed as `{id, type, createdAt, data}` with `X-Margin-Signature: t=<unix>,v1=<hex HMAC-SHA256 of ' +
      '"<t>.<raw body>" with the secret>`; any 2xx answer within WEBHOOK_TIMEOUT_MS is a success, anything else is ' +
      'retried with exponential backoff for WEBHOOK_RETRY_WINDOW_SECONDS (24 hours), in order per article. The secret ' +
      'is write-only. A new endpoint, or a new subscription, receives the events that happen from at most 5 s after ' +
      'it is saved.',
  })
  @ApiOkResponse({ type: WebhookView })
  @ApiCreatedResponse({ type: WebhookView })
  @UpsertStatus()
  upsert(@Param('id') id: string, @Body() body: UpsertWebhookDto): Promise<Upserted<WebhookView>> {
    return this.webhooks.upsert(id, body);
  }

  @Get(':id')
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'One outbound webhook endpoint (its secret shown only as a hint)' })
  @ApiOkResponse({ type: WebhookView })
  get(@Param('id') id: string): Promise<WebhookView> {
    return this.webhooks.get(id);
  }

  @Delete(':id')
  @Write()
  @HttpCode(204)
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'Remove an endpoint and its delivery log; its pending deliveries are not sent' })
  @ApiNoContentResponse()
  async remove(@Param('id') id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'The endpoint\'s delivery log, newest first: one row per event, with its attempts and state' })
  @ApiOkResponse({ type: WebhookDeliveryPage })
  deliveries(@Param('id') id: string, @Query() query: PageQueryDto): Promise<Page<WebhookDeliveryView>> {
    return this.webhooks.deliveries(id, query.limit, query.cursor);
  }
}
