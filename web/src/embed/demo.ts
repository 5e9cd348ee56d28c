/** /embed/demo?article=<id>[&theme=][&poll=<seconds>] (development only): a sample article page with the embed under it. */
export {};
const params = new URLSearchParams(location.search);
const article = params.get('article') ?? 'demo-harbour-fire';
const element = document.querySelector('margin-comments');
element?.setAttribute('article-id', article);
for (const name of ['theme', 'sort']) {
  const value = params.get(name);
  if (value) element?.setAttribute(name, value);
}
const poll = params.get('poll');
if (poll) element?.setAttribute('poll-seconds', poll);
for (const counter of document.querySelectorAll<HTMLElement>('[data-margin-count]')) counter.dataset.marginCount = article;
const script = document.createElement('script');
script.type = 'module';
script.src = '/embed/count.js';
document.body.append(script);
