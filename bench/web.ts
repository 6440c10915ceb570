// `npm run bench:web`: the playground's WebGPU page in headless Chromium, timed side by side with the WebAssembly
// backend in the same tab: matrix products in GFLOP/s and GPT training steps in ms and tokens/s, with the adapter
// named. On a machine without a GPU, Chromium's SwiftShader adapter (WebGPU on the CPU) runs it: those numbers only
// show the page works. `--gpu` asks Chromium for the system's GPU instead; `--sgemm 256,512` and `--gpt tiny,128`
// choose the sizes (SwiftShader runs 256 and 512 and the tiny GPT by default: larger sizes take minutes there).
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { fileURLToPath } from 'node:url';

const argument = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
};
const realGpu = process.argv.includes('--gpu');
const sgemm = argument('--sgemm', realGpu ? '256,512,1024,2048,4096' : '256,512');
const gpt = argument('--gpt', realGpu ? 'tiny,128,10.8M' : 'tiny');
const config = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));

await build({ configFile: config, logLevel: 'error' });
const server = await preview({ configFile: config, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--enable-unsafe-webgpu', ...(realGpu ? ['--enable-features=Vulkan'] : ['--use-webgpu-adapter=swiftshader'])],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${server.resolvedUrls!.local[0]}gpu.html?bench=${sgemm}&gpt=${gpt}`);
  await page.waitForFunction(() => (globalThis as unknown as { zerogradGpu?: { done: boolean } }).zerogradGpu?.done, null, { timeout: 0 });
  const state = await page.evaluate(() => (globalThis as unknown as { zerogradGpu: {
    adapter?: string; error?: string;
    bench?: { size: number; backend: string; ms: number; gflops: number }[];
    steps?: { model: string; backend: string; ms: number; tokensPerSecond: number }[];
  } }).zerogradGpu);
  if (state.error || !state.bench) throw new Error(state.error ?? 'the page ran no benchmark');
  console.log(`adapter: ${state.adapter}; Chromium ${browser.version()}\n`);
  console.log('## sgemm (n x n by n x n), GFLOP/s\n');
  console.log('| n | backend | ms | GFLOP/s |\n|---|---|---|---|');
  for (const r of state.bench) console.log(`| ${r.size} | ${r.backend} | ${r.ms.toFixed(2)} | ${r.gflops.toFixed(1)} |`);
  console.log('\n## GPT training step (AdamW), awaited each step\n');
  console.log('| model | backend | ms per step | tokens/s |\n|---|---|---|---|');
  for (const r of state.steps ?? []) console.log(`| ${r.model} | ${r.backend} | ${r.ms.toFixed(1)} | ${r.tokensPerSecond.toFixed(0)} |`);
} finally {
  await browser.close();
  server.httpServer.close();
}
