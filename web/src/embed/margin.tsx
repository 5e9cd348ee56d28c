import { render } from 'preact';
import { Connection } from '../api/connection';
import { EmbedApp } from './app';
import { EMBED_CSS } from './styles';

/**
 * <margin-comments article-id="…" [api] [sort] [sso-token] [theme] [currency] [poll-seconds]>: the reader embed.
 * `currency` picks the appeal's currency shown first (the reader can change it); `poll-seconds` is how often
 * it looks for new comments when the article's live stream cannot be opened at all (default 30).
 * It renders in a Shadow DOM, only once it comes within 600px of the viewport (or at once for a
 * `#margin-comment-<id>` deep link), and reserves its height meanwhile so nothing below it jumps.
 */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;
const connections = new Map<string, Connection>();

function connectionFor(base: string): Connection {
  let connection = connections.get(base);
  if (!connection) {
    connection = new Connection(base);
    connections.set(base, connection);
  }
  return connection;
}

function adoptStyles(root: ShadowRoot): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(EMBED_CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = EMBED_CSS;
    root.append(style);
  }
}

const SORTS = ['newest', 'oldest', 'top', 'replies'] as const;
export type Sort = (typeof SORTS)[number];

class MarginComments extends HTMLElement {
  static observedAttributes = ['article-id', 'api', 'sort', 'sso-token', 'theme', 'currency'];
  private mount?: HTMLElement;
  private observer?: IntersectionObserver;
  private started = false;

  connectedCallback(): void {
    if (!this.mount) {
      const root = this.attachShadow({ mode: 'open' });
      adoptStyles(root);
      this.mount = document.createElement('div');
      root.append(this.mount);
    }
    if (!this.hasAttribute('theme')) this.setAttribute('theme', 'light');
    const deepLink = location.hash.startsWith('#margin-comment-');
    if (this.started || deepLink || typeof IntersectionObserver === 'undefined') {
      this.start();
      return;
    }
    render(<div class="skeleton" role="status" aria-label="Loading comments" />, this.mount);
    this.observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && this.start(), { rootMargin: '600px 0px' });
    this.observer.observe(this);
  }

  disconnectedCallback(): void {
    this.observer?.disconnect();
    if (this.mount) render(null, this.mount);
  }

  attributeChangedCallback(): void {
    if (this.started) this.renderApp();
  }

  private start(): void {
    this.observer?.disconnect();
    this.started = true;
    this.renderApp();
  }

  private renderApp(): void {
    if (!this.mount) return;
    const articleId = this.getAttribute('article-id');
    if (!articleId) {
      render(<p class="message" role="alert">This comments box has no article-id.</p>, this.mount);
      return;
    }
    const base = (this.getAttribute('api') || SCRIPT_ORIGIN).replace(/\/+$/, '');
    const sort = SORTS.find((value) => value === this.getAttribute('sort')) ?? 'newest';
    const pollSeconds = Number(this.getAttribute('poll-seconds')) || 30;
    render(
      <EmbedApp
        key={`${base} ${articleId}`}
        connection={connectionFor(base)}
        articleId={articleId}
        initialSort={sort}
        ssoToken={this.getAttribute('sso-token') ?? undefined}
        pollSeconds={pollSeconds}
        currency={this.getAttribute('currency') ?? undefined}
        host={this}
      />,
      this.mount,
    );
  }
}

if (!customElements.get('margin-comments')) customElements.define('margin-comments', MarginComments);
