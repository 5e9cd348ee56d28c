import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/** Any string is accepted here: an id that names no reader is a 404 USER_NOT_FOUND, not a 400. */
export class UserIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(64)
  id: string;
}

export class IgnoredUserParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(64)
  userId: string;
}
