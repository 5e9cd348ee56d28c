import { ArticlesService } from '../articles/articles.service';
import { AppError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import type { DemoArticleHook } from './front-ends';

/**
 * The sample article page (development only) shows a real thread: the first visit to
 * `/embed/demo?article=<id>` registers that article, as the CMS would, so that
 * `npm start` on a fresh machine shows the whole product in a browser.
 */
export function demoArticleProvisioner(articles: ArticlesService, config: AppConfig): DemoArticleHook {
  const known = new Set<string>();
  return async (articleId) => {
    if (known.has(articleId)) return;
    try {
      await articles.get(articleId);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'ARTICLE_NOT_FOUND') throw error;
      await articles.upsert(articleId, {
        title: 'Harbour fire: crews work through the night',
        url: `${config.publicSiteUrl}/demo/${articleId}`,
        publishedAt: new Date().toISOString(),
      });
    }
    known.add(articleId);
  };
}
