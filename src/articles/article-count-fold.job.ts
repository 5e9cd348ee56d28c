import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { ArticlesRepository } from './articles.repository';

/** How often each instance folds the counter deltas into the articles' rows (one fold at a time across instances). */
export const COUNT_FOLD_INTERVAL_MS = 1000;

const folded =
  (register.getSingleMetric('margin_article_count_deltas_folded_total') as Counter | undefined) ??
  new Counter({
    name: 'margin_article_count_deltas_folded_total',
    help: 'Comment-count moves folded from article_comment_count_deltas into the articles rows',
  });

/**
 * Posting moves an article's visible-comment count as a row of `article_comment_count_deltas` (so posts to one
 * article never wait on its row); reads add the pending rows to the stored count, which is exact whether or not a
 * fold has run. Folding keeps those rows few: every second, one transaction deletes the committed deltas and adds
 * them to the rows. Tests fold explicitly (`foldNow`), so nothing moves behind their back.
 */
@Injectable()
export class ArticleCountFoldJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ArticleCountFoldJob.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number | null> | null = null;
  private failing = false;
  private readonly folds: boolean;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly articles: ArticlesRepository,
    config: AppConfig,
  ) {
    this.folds = config.nodeEnv !== 'test';
  }

  onApplicationBootstrap(): void {
    if (!this.folds) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      void this.foldNow().then(
        () => {
          if (this.failing) this.logger.log('Folding the comment counts works again');
          this.failing = false;
        },
        // Once per outage (reads stay exact meanwhile, with more pending rows to add up).
        (error: Error) => {
          if (!this.failing) this.logger.warn(`Folding the comment counts failed: ${error.message}`);
          this.failing = true;
        },
      );
    }, COUNT_FOLD_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Folds what has committed; returns how many deltas moved (null: another instance was folding). */
  async foldNow(): Promise<number | null> {
    const run = this.unitOfWork.runRetried(() => this.articles.foldCommentCountDeltas());
    this.running = run;
    try {
      const moved = await run;
      if (moved) folded.inc(moved);
      return moved;
    } finally {
      if (this.running === run) this.running = null;
    }
  }
}
