import { ApiProperty } from '@nestjs/swagger';

export class FeedItemView {
  @ApiProperty({ format: 'uuid' }) id: string;
}
