import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentUser, Public, Viewer, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { ProblemView } from '../common/openapi/problem.view';
import { Page } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { PageOf } from '../common/pagination/page.dto';
import { RateLimit } from '../common/rate-limit/rate-limit.decorators';
import { DonationsService } from './donations.service';
import { BillingPortalView, CheckoutView, DonationView, StartCheckoutDto } from './dto/donation.dto';
import { PaymentsConfiguredGuard } from './payments-configured.guard';

const DonationPage = PageOf(DonationView);

@ApiTags('donations')
@Controller()
export class DonationsController {
  constructor(private readonly donations: DonationsService) {}

  @Post('donations/checkout')
  @UseGuards(PaymentsConfiguredGuard)
  @Write()
  @Public()
  @RateLimit('checkout')
  @HttpCode(201)
  @ApiOperation({ summary: 'Start a donation: a pending donation and the Stripe Checkout page to pay it (signed-in donors are linked)' })
  @ApiCreatedResponse({ type: CheckoutView })
  checkout(@Body() body: StartCheckoutDto, @Viewer() viewer?: AuthenticatedUser): Promise<CheckoutView> {
    return this.donations.startCheckout(body, viewer);
  }

  @Get('donations/:id')
  @Public()
  @ApiOperation({ summary: 'A donation by id, for the success page (may still be pending until Stripe confirms)' })
  @ApiOkResponse({ type: DonationView })
  get(@Param('id') id: string): Promise<DonationView> {
    return this.donations.get(id);
  }

  @Get('me/donations')
  @Auth()
  @ApiOperation({ summary: "The signed-in reader's donations, newest first" })
  @ApiOkResponse({ type: DonationPage })
  mine(@CurrentUser() user: AuthenticatedUser, @Query() query: PageQueryDto): Promise<Page<DonationView>> {
    return this.donations.listMine(user.id, query);
  }

  @Post('me/billing-portal')
  @UseGuards(PaymentsConfiguredGuard)
  @Write()
  @Auth()
  @HttpCode(201)
  @ApiOperation({ summary: 'A Stripe Customer Portal session to change or cancel a recurring donation' })
  @ApiCreatedResponse({ type: BillingPortalView })
  @ApiConflictResponse({ type: ProblemView, description: 'NO_BILLING_ACCOUNT: the reader never donated while signed in' })
  billingPortal(@CurrentUser() user: AuthenticatedUser): Promise<BillingPortalView> {
    return this.donations.openBillingPortal(user.id);
  }
}
