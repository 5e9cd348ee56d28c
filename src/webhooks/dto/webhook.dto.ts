import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { IsPlainText } from '../../common/validation/text-fields';
import { DELIVERY_STATUSES, DeliveryStatus } from '../webhook-delivery.entity';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '../webhook-events';

export const WEBHOOK_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const SECRET_MIN = 16;
export const SECRET_MAX = 256;

export class UpsertWebhookDto {
  @ApiProperty({
    format: 'uri',
    maxLength: 2048,
    description:
      'Where events are POSTed: an absolute http or https URL without credentials. Loopback, private, link-local and ' +
      'reserved addresses are refused (when the endpoint is saved for literal addresses, at every connection for the ' +
      'addresses a name resolves to) unless the server runs with WEBHOOK_ALLOW_PRIVATE_URLS=true.',
    example: 'https://hooks.news.example/margin',
  })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url: string;

  @ApiPropertyOptional({
    minLength: SECRET_MIN,
    maxLength: SECRET_MAX,
    writeOnly: true,
    description:
      'The shared secret every delivery is signed with (`X-Margin-Signature`). Required when the endpoint is created; ' +
      'on a replace, leave it out to keep the current one. Never shown again: responses carry `secretHint` only.',
  })
  @IsOptional()
  @IsString()
  @Length(SECRET_MIN, SECRET_MAX)
  @IsPlainText({ multiline: false })
  secret?: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, description: 'The event types to send (duplicates are dropped)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length * 4)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? [...new Set(value)] : value))
  events: WebhookEventType[];
}

export class WebhookView {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'uri' }) url: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events: WebhookEventType[];
  @ApiProperty({ description: 'The secret\'s last 4 characters, to tell which one is set (the secret itself is never returned)', example: '…f00d' })
  secretHint: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, description: 'The event\'s type' }) event: string;
  @ApiProperty({ format: 'uuid', description: 'The event\'s id: the `id` of the body the receiver got (the same for every endpoint and attempt)' })
  eventId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, description: '`pending` until a 2xx answer (`succeeded`) or the end of the retry window (`failed`)' })
  status: DeliveryStatus;
  @ApiProperty({ description: 'Attempts made so far' }) attempts: number;
  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status of the last answer; null when none came (timeout, refused connection)' })
  lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed, when it did' }) lastError: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the next attempt is due; null once succeeded or failed' })
  nextAttemptAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
}
