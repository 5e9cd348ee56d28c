/**
 * /embed/count.js: fills every `[data-margin-count="<articleId>"]` on the page with that article's
 * comment count, in one request (POST /articles/counts, up to 100 ids). Kept tiny: no client library.
 */
import type { paths } from '../api/margin-api';

type Counts = paths['/api/v1/articles/counts']['post']['responses']['200']['content']['application/json'];

const base = new URL(import.meta.url).origin;
const elements = Array.from(document.querySelectorAll<HTMLElement>('[data-margin-count]'));
const ids = [...new Set(elements.map((element) => element.dataset.marginCount ?? '').filter(Boolean))].slice(0, 100);
if (ids.length > 0) {
  fetch(`${base}/api/v1/articles/counts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids }) })
    .then((response) => (response.ok ? (response.json() as Promise<Counts>) : null))
    .then((answer) => {
      for (const element of elements) {
        const count = answer?.counts[element.dataset.marginCount ?? ''];
        if (typeof count === 'number') element.textContent = String(count);
      }
    })
    .catch(() => undefined);
}
