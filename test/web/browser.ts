import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { projectRoot } from '../helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// .ci/run installs chromium and sets this, so there a missing browser fails instead of skipping.
const required = process.env.ZEROGRAD_REQUIRE_BROWSER === '1';

/** Why the browser tests cannot run here, or false when they can. */
export const browserSkip = !existsSync(CHROMIUM) && !required ? `no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)` : false;

/** The playground built by Vite and served from 127.0.0.1 (a secure context, as WebGPU needs), and headless Chromium. */
export interface Playground {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds and serves the playground and starts Chromium, with WebGPU on its SwiftShader adapter when `webgpu`. */
export async function startPlayground({ webgpu = false } = {}): Promise<Playground> {
  const config = join(projectRoot(), 'web', 'vite.config.ts');
  await build({ configFile: config, logLevel: 'error' });
  const server: PreviewServer = await preview({ configFile: config, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-background-networking', '--disable-component-update', '--disable-default-apps',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', ...(webgpu ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] : [])],
  });
  return {
    url: server.resolvedUrls!.local[0],
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}

/**
 * A fresh playground page at `query` (e.g. '?backend=wasm') whose worker is ready, served from `url`; `errors`
 * collects uncaught page errors and `missing` the resources the page asked for and did not get.
 */
export async function openPlayground(playground: Playground, query = '', options: Parameters<Browser['newPage']>[0] = {},
  url = playground.url): Promise<{ page: Page; errors: string[]; missing: string[] }> {
  const page = await playground.browser.newPage(options);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const missing = watchResources(page);
  await page.goto(`${url}${query}`);
  await page.waitForSelector('#train:not([disabled])', { timeout: 60_000 });
  return { page, errors, missing };
}

/** The resources `page` asks for from now on and does not get: each as 'STATUS URL', or 'failed URL'. */
export function watchResources(page: Page): string[] {
  const missing: string[] = [];
  page.on('response', (response) => { if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`); });
  // A download is aborted as a page request once the browser hands it over, which is no missing resource.
  page.on('requestfailed', (request) => { if (!/ERR_ABORTED/.test(request.failure()?.errorText ?? '')) missing.push(`failed ${request.url()}`); });
  return missing;
}

/** Where the browser tests leave their screenshots (dist/ is not committed), made if need be. */
export function screenshotsDir(): string {
  const dir = join(projectRoot(), 'dist', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/**
 * The built playground served as a plain static server would: files only, without the cross-origin-isolation
 * headers, which is what a page opened from such a server sees.
 */
export async function serveWithoutIsolation(): Promise<{ url: string; close(): Promise<void> }> {
  const root = join(projectRoot(), 'dist-web');
  const server = createServer((request, response) => {
    const path = normalize(join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    const file = path.startsWith(root) && existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
    if (!file.startsWith(root) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Resolves when the page reports training done at `step`. */
export const doneAt = (page: Page, step: number, timeout = 120_000) =>
  page.waitForFunction((s) => document.getElementById('status')?.textContent === `done at step ${s}`, step, { timeout });

/** Starts training `recipe` for `steps` through the page's controls. */
export async function startTraining(page: Page, recipe: string, steps: number): Promise<void> {
  await page.selectOption('#recipe', recipe);
  await page.fill('#steps', String(steps));
  await page.click('#train');
}
