/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { FakeStripe } from '../../support/fake-stripe';
import { createIsolatedTestApp } from '../../support/isolated-test-app';
import { createTestApp, TestApp } from '../../support/test-app';
import { buildWebForTest } from '../../support/web-build';

/**
 * Browser tests drive Debian's Chromium (`apt-get install chromium`; .ci/run installs it) through
 * playwright-core against the whole app listening on a real port, with the front ends built from the
 * current web/ sources and Stripe answered by the in-process fake.
 */
const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const SCREENSHOTS = resolve(__dirname, '..', '..', '..', 'test-results', 'screenshots');

export function chromiumPath(): string {
  const found = CHROMIUM_CANDIDATES.find((path): path is string => !!path && existsSync(path));
  if (!found) throw new Error('Chromium is not installed: apt-get install -y chromium (or set CHROMIUM_PATH)');
  return found;
}

/** Headless, with a fresh temporary profile each launch, and nothing that talks to Google. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export interface BrowserTestApp {
  t: TestApp;
  fake: FakeStripe;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** `isolated`: on a database of its own, for tests that change site-wide state (moderation settings) or need queues of their own. */
export async function startBrowserTestApp(extraEnv: Record<string, string> = {}, isolated = false): Promise<BrowserTestApp> {
  const web = await buildWebForTest();
  const fake = await FakeStripe.start();
  const start = isolated ? createIsolatedTestApp : createTestApp;
  const t = await start({ ...fake.environment(), ...extraEnv }, { webDirectory: web.directory });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const browser = await launchChromium();
  return {
    t,
    fake,
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    close: async () => {
      await browser.close();
      await t.close();
      await fake.stop();
      web.remove();
    },
  };
}

/** A context that fails the test on any page error (an exception in our scripts). */
export async function newContext(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core in the page (it reaches into open shadow roots): the serious and critical WCAG 2.x A/AA violations. */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
}
