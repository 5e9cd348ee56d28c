import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { DonationSummaryRepository } from './donation-summary.repository';
import { DonationSummaryQueryDto, DonationSummaryView } from './dto/donation.dto';

@Injectable()
export class DonationSummaryService {
  constructor(private readonly summary: DonationSummaryRepository) {}

  async summarize(query: DonationSummaryQueryDto): Promise<DonationSummaryView> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) {
      throw new AppError('VALIDATION_FAILED', 'from must not be after to', [{ field: 'from', message: 'from must not be after to' }]);
    }
    return { totals: await this.summary.totals({ articleId: query.articleId, from, to }) };
  }
}
