import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsObject, IsOptional } from 'class-validator';
import { LineOfTextField, MultilineTextField } from '../../common/validation/text-fields';
import { CurrencyOptions } from '../appeal.entity';
import { Frequency, FREQUENCIES } from '../donation-terms';

const CURRENCY_OPTIONS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['amounts', 'defaultAmount', 'min', 'max'],
  properties: {
    amounts: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 10, description: 'Suggested amounts, minor units' },
    defaultAmount: { type: 'integer', minimum: 1, description: 'Pre-selected amount, minor units, within min..max' },
    min: { type: 'integer', minimum: 1, description: 'Smallest accepted amount, minor units' },
    max: { type: 'integer', minimum: 1, description: 'Largest accepted amount, minor units' },
  },
};

const CURRENCIES_SCHEMA = {
  type: 'object',
  description: 'Options per lowercase ISO-4217 currency code, amounts in minor units',
  additionalProperties: CURRENCY_OPTIONS_SCHEMA,
  example: { gbp: { amounts: [300, 500, 1000], defaultAmount: 500, min: 100, max: 100000 } },
} as const;

export class UpsertAppealDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @LineOfTextField(1, 200)
  headline: string;

  @ApiProperty({ minLength: 1, maxLength: 5000, description: 'Newlines and tabs allowed' })
  @MultilineTextField(1, 5000)
  body: string;

  @ApiProperty(CURRENCIES_SCHEMA)
  @IsObject()
  currencies: Record<string, CurrencyOptions>;

  @ApiProperty({ enum: FREQUENCIES, isArray: true, minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(FREQUENCIES.length)
  @ArrayUnique()
  @IsIn(FREQUENCIES, { each: true })
  frequencies: Frequency[];

  @ApiPropertyOptional({ default: true, description: 'Inactive appeals are not shown; articles fall back to the default one' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class AppealView {
  @ApiProperty({ example: 'default' }) id: string;
  @ApiProperty() headline: string;
  @ApiProperty() body: string;
  @ApiProperty(CURRENCIES_SCHEMA) currencies: Record<string, CurrencyOptions>;
  @ApiProperty({ enum: FREQUENCIES, isArray: true }) frequencies: Frequency[];
  @ApiProperty({ description: 'False while the site has no Stripe key: show the appeal without its donation buttons' })
  donationsEnabled: boolean;
}

export class AdminAppealView extends AppealView {
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
