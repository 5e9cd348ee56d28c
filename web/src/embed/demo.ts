/** /embed/demo?article=<id> (development only): a sample article page with the embed under it. */
const article = new URLSearchParams(location.search).get('article') ?? 'demo-harbour-fire';
export {};
const element = document.querySelector('margin-comments');
element?.setAttribute('article-id', article);
for (const counter of document.querySelectorAll<HTMLElement>('[data-margin-count]')) counter.dataset.marginCount = article;
const script = document.createElement('script');
script.type = 'module';
script.src = '/embed/count.js';
document.body.append(script);
