import { Injectable } from '@nestjs/common';
import { ArticleRecord } from '../articles/articles.service';
import { ArticlesService } from '../articles/articles.service';
import { APPEAL_ID_PATTERN } from '../articles/dto/article.dto';
import { AppError } from '../common/errors/app-error';
import { Upserted } from '../common/http/upserted';
import { Appeal, CurrencyOptions } from './appeal.entity';
import { currencyTableErrors } from './appeal-rules';
import { AppealsRepository } from './appeals.repository';
import { AdminAppealView, AppealView, UpsertAppealDto } from './dto/appeal.dto';
import { StripeConnection } from './stripe-connection';

export const DEFAULT_APPEAL_ID = 'default';

@Injectable()
export class AppealsService {
  constructor(
    private readonly appeals: AppealsRepository,
    private readonly articles: ArticlesService,
    private readonly stripe: StripeConnection,
  ) {}

  async forArticle(articleId: string): Promise<AppealView> {
    const article = await this.articles.findOrFail(articleId);
    return toAppealView(await this.appealFor(article), this.stripe.isConfigured);
  }

  /** The article's own appeal while it is active, else the site-wide default. */
  async appealFor(article: ArticleRecord): Promise<Appeal> {
    const own = article.appealId ? await this.appeals.findById(article.appealId) : null;
    if (own?.active) return own;
    const fallback = await this.appeals.findById(DEFAULT_APPEAL_ID);
    if (!fallback?.active) throw new AppError('APPEAL_NOT_FOUND', 'No active appeal is set up for this article');
    return fallback;
  }

  async upsert(id: string, input: UpsertAppealDto): Promise<Upserted<AdminAppealView>> {
    const errors = [
      ...(APPEAL_ID_PATTERN.test(id) ? [] : [{ field: 'id', message: 'id must be 1–64 characters of A-Z a-z 0-9 . _ : -' }]),
      ...currencyTableErrors(input.currencies),
    ];
    if (errors.length > 0) throw new AppError('VALIDATION_FAILED', errors.map((error) => error.message).join('; '), errors);
    const { appeal, created } = await this.appeals.upsert(id, {
      headline: input.headline,
      body: input.body,
      currencies: normalized(input.currencies),
      frequencies: input.frequencies,
      active: input.active ?? true,
    });
    return new Upserted({ ...toAppealView(appeal, this.stripe.isConfigured), active: appeal.active, updatedAt: appeal.updatedAt.toISOString() }, created);
  }
}

/** Keeps exactly the four known fields, in a stable order, whatever else the JSON carried. */
function normalized(currencies: Record<string, CurrencyOptions>): Record<string, CurrencyOptions> {
  return Object.fromEntries(
    Object.entries(currencies).map(([code, { amounts, defaultAmount, min, max }]) => [code, { amounts, defaultAmount, min, max }]),
  );
}

/** `donationsEnabled` tells the page whether to offer the appeal's buttons: false while Stripe is not configured. */
export function toAppealView(appeal: Appeal, donationsEnabled: boolean): AppealView {
  return {
    id: appeal.id,
    headline: appeal.headline,
    body: appeal.body,
    currencies: normalized(appeal.currencies),
    frequencies: appeal.frequencies,
    donationsEnabled,
  };
}
