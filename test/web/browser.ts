import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** A fresh playground page at `query` (e.g. '?backend=wasm') whose worker is ready; `errors` collects uncaught page errors. */
export async function openPlayground(playground: Playground, query = '', options: Parameters<Browser['newPage']>[0] = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await playground.browser.newPage(options);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${playground.url}${query}`);
  await page.waitForSelector('#train:not([disabled])', { timeout: 60_000 });
  return { page, errors };
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
