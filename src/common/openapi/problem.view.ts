import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class FieldErrorView {
  @ApiProperty({ example: 'password' }) field: string;
  @ApiProperty({ example: 'password must be at least 10 characters' }) message: string;
}

/** RFC 9457 problem details, as every error response is shaped. */
export class ProblemView {
  @ApiProperty({ example: 'https://margin.dev/problems/validation-failed' }) type: string;
  @ApiProperty({ example: 'The request is not valid' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty() detail: string;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable UPPER_SNAKE error code' }) code: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorView] }) errors?: FieldErrorView[];
}
