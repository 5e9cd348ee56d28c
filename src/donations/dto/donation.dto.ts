import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ArticleIdField, EmailField, IsoDateTimeField } from '../../common/validation/text-fields';
import { LARGEST_AMOUNT } from '../appeal-rules';
import { CURRENCY_PATTERN, DONATION_STATUSES, DonationStatus, Frequency, FREQUENCIES } from '../donation-terms';

export class StartCheckoutDto {
  @ApiProperty({ example: 'politics-2026-11-26-budget' })
  @ArticleIdField()
  articleId: string;

  @ApiProperty({ minimum: 1, maximum: LARGEST_AMOUNT, description: 'Minor units (500 = £5.00)', example: 500 })
  @IsInt()
  @Min(1)
  @Max(LARGEST_AMOUNT)
  amount: number;

  @ApiProperty({ example: 'gbp', description: 'Lowercase ISO-4217 code offered by the appeal' })
  @IsString()
  @Matches(CURRENCY_PATTERN, { message: 'currency must be a lowercase ISO-4217 code' })
  currency: string;

  @ApiProperty({ enum: FREQUENCIES })
  @IsIn(FREQUENCIES)
  frequency: Frequency;

  @ApiPropertyOptional({ format: 'email', maxLength: 254, description: 'Receipt address of an anonymous donor; ignored when signed in' })
  @IsOptional()
  @EmailField()
  email?: string;
}

export class CheckoutView {
  @ApiProperty({ format: 'uuid' }) donationId: string;
  @ApiProperty({ format: 'uri', description: 'Stripe Checkout page to send the donor to' }) checkoutUrl: string;
}

export class DonationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: DONATION_STATUSES }) status: DonationStatus;
  @ApiProperty({ description: 'Minor units' }) amount: number;
  @ApiProperty({ example: 'gbp' }) currency: string;
  @ApiProperty({ enum: FREQUENCIES }) frequency: Frequency;
  @ApiProperty() articleId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class BillingPortalView {
  @ApiProperty({ format: 'uri', description: 'Stripe Customer Portal session' }) url: string;
}

export class DonationSummaryQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @ArticleIdField()
  articleId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Payments received at or after this time' })
  @IsOptional()
  @IsoDateTimeField()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Payments received before this time' })
  @IsOptional()
  @IsoDateTimeField()
  to?: string;
}

export class DonationTotalView {
  @ApiProperty() articleId: string;
  @ApiProperty() appealId: string;
  @ApiProperty({ example: 'gbp' }) currency: string;
  @ApiProperty({ enum: FREQUENCIES }) frequency: Frequency;
  @ApiProperty({ description: 'Payments received' }) count: number;
  @ApiProperty({ description: 'Received, minor units' }) gross: number;
  @ApiProperty({ description: 'Refunded, minor units' }) refunded: number;
  @ApiProperty({ description: 'Withdrawn by open or lost disputes, minor units' }) disputed: number;
  @ApiProperty({ description: 'gross − refunded − disputed, minor units' }) net: number;
}

export class DonationSummaryView {
  @ApiProperty({ type: [DonationTotalView] }) totals: DonationTotalView[];
}
