import createClient from 'openapi-fetch';
import type { components, paths } from './margin-api';

/**
 * A small program written only against the client generated from openapi.json
 * (`npm run openapi:client`). The e2e test type-checks it with `tsc` and runs it
 * against the real app, so a document that types errors as `never`, drops a
 * field or misnames an operation breaks the build or the run.
 */
type IsNever<T> = [T] extends [never] ? true : false;

export interface ClientFlowResult {
  displayName: string;
  meEmail: string;
  articleStatus: number;
  postedBody: string;
  threadBodies: string[];
  duplicateStatus: number;
  duplicateCode: 'EMAIL_TAKEN' | 'DISPLAY_NAME_TAKEN';
  missingArticleCode: string;
}

export async function runClientFlow(baseUrl: string, cmsApiKey: string, unique: string): Promise<ClientFlowResult> {
  const client = createClient<paths>({ baseUrl });
  const registration: components['schemas']['RegisterDto'] = {
    email: `client-${unique}@example.com`,
    password: 'a-long-enough-password',
    displayName: `Client ${unique}`,
  };

  const registered = await client.POST('/api/v1/auth/register', { body: registration });
  if (!registered.data) throw new Error(`register failed: ${registered.response.status}`);
  const auth = { Authorization: `Bearer ${registered.data.accessToken}` };

  const me = await client.GET('/api/v1/me', { headers: auth });
  if (!me.data) throw new Error(`me failed: ${me.response.status}`);

  const articleId = `client-${unique}`;
  const article = await client.PUT('/api/v1/articles/{articleId}', {
    params: { path: { articleId } },
    headers: { 'X-Api-Key': cmsApiKey },
    body: { title: 'Harbour fire', url: `https://news.example/${articleId}` },
  });
  if (!article.data) throw new Error(`article upsert failed: ${article.response.status}`);

  const posted = await client.POST('/api/v1/articles/{articleId}/comments', {
    params: { path: { articleId } },
    headers: auth,
    body: { body: 'Typed from the generated client' },
  });
  if (!posted.data) throw new Error(`post failed: ${posted.response.status}`);
  const postedBody: string | null = posted.data.body;

  const thread = await client.GET('/api/v1/articles/{articleId}/comments', {
    params: { path: { articleId }, query: { sort: 'newest', limit: 10 } },
  });
  if (!thread.data) throw new Error(`thread failed: ${thread.response.status}`);

  const duplicate = await client.POST('/api/v1/auth/register', { body: registration });
  if (!duplicate.error) throw new Error('a second registration with the same email succeeded');
  // The error is typed from the document's problem responses, not `never`.
  const errorIsTyped: IsNever<typeof duplicate.error> = false;
  const conflict = duplicate.error;
  if (conflict.status !== 409 || (conflict.code !== 'EMAIL_TAKEN' && conflict.code !== 'DISPLAY_NAME_TAKEN')) {
    throw new Error(`unexpected problem ${conflict.status} ${conflict.code}`);
  }
  // @ts-expect-error register cannot answer COMMENTS_CLOSED, and the generated type knows it.
  const impossible: boolean = duplicate.error.code === 'COMMENTS_CLOSED';

  const missing = await client.GET('/api/v1/articles/{articleId}', { params: { path: { articleId: `missing-${unique}` } } });
  if (!missing.error) throw new Error('an unknown article was found');

  return {
    displayName: registered.data.user.displayName,
    meEmail: me.data.email,
    articleStatus: article.response.status,
    postedBody: postedBody ?? '',
    threadBodies: thread.data.items.map((comment) => comment.body ?? ''),
    duplicateStatus: errorIsTyped || impossible ? -1 : duplicate.response.status,
    duplicateCode: conflict.code,
    missingArticleCode: missing.error.code,
  };
}
