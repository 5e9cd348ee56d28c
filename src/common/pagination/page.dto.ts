import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/** Swagger schema for `{ items, nextCursor }` of a given item class. */
export function PageOf<T>(item: Type<T>) {
  class PageDto {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page, or null on the last page' })
    nextCursor: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: `PageOf${item.name}` });
  return PageDto;
}
