import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorators';
import { DonationSummaryService } from './donation-summary.service';
import { DonationSummaryQueryDto, DonationSummaryView } from './dto/donation.dto';

@ApiTags('donations')
@Controller('admin/donations')
export class AdminDonationsController {
  constructor(private readonly summary: DonationSummaryService) {}

  @Get('summary')
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'Money received by article, appeal, currency and frequency, net of refunds and disputes' })
  @ApiOkResponse({ type: DonationSummaryView })
  summarize(@Query() query: DonationSummaryQueryDto): Promise<DonationSummaryView> {
    return this.summary.summarize(query);
  }
}
