import TestAgent from 'supertest/lib/agent';
import { uniqueSuffix } from './users.factory';

export const TEST_CMS_API_KEY = 'test-cms-api-key-0123456789';

export interface TestArticle {
  id: string;
  title: string;
  url: string;
}

/** Registers an article through the CMS endpoint; the app must be started with CMS_API_KEY = TEST_CMS_API_KEY. */
export async function createArticle(
  http: TestAgent,
  overrides: Partial<{ id: string; title: string; url: string; commentsOpen: boolean; appealId: string | null }> = {},
): Promise<TestArticle> {
  const id = overrides.id ?? `article-${uniqueSuffix()}`;
  const body = { title: `Story ${id}`, url: `https://news.example/${id}`, ...overrides };
  delete (body as { id?: string }).id;
  const response = await http.put(`/api/v1/articles/${id}`).set('X-Api-Key', TEST_CMS_API_KEY).send(body);
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`article upsert failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return { id, title: body.title, url: body.url };
}
