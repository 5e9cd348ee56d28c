/**
 * /embed/frame?article=<id>[&sort=][&theme=]: the embed alone on a page, for AMP's amp-iframe and
 * native apps. It tells the page around it how tall it is: postMessage({type: "margin:height", height}).
 */
const params = new URLSearchParams(location.search);
export {};
const element: HTMLElement = document.createElement('margin-comments');
element.setAttribute('article-id', params.get('article') ?? '');
for (const name of ['sort', 'theme']) {
  const value = params.get(name);
  if (value) element.setAttribute(name, value);
}
// An app may hand a newsroom token in the fragment (never sent to servers): #sso-token=…
const token = new URLSearchParams(location.hash.slice(1)).get('sso-token');
if (token) element.setAttribute('sso-token', token);
(document.querySelector('main') ?? document.body).append(element);

let last = 0;
const report = () => {
  const height = Math.ceil(document.documentElement.scrollHeight);
  if (height === last || window.parent === window) return;
  last = height;
  window.parent.postMessage({ type: 'margin:height', height }, '*');
  // AMP's amp-iframe asks for its size this way.
  window.parent.postMessage({ sentinel: 'amp', type: 'embed-size', height }, '*');
};
new ResizeObserver(report).observe(document.body);
report();
