import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import '../cliBackend.js';
import { gptSample } from '../../src/cli/gpt.js';
import { makemoreTrain } from '../../src/cli/makemore.js';
import { resolveCheckpointDir } from '../../src/io/checkpoint.js';
import { readDigitsCsv } from '../../src/data/images.js';
import { parseWeights } from '../../src/io/weightsFile.js';
import { type VisionModelConfig, buildVisionModel, predictImages, stratifiedSplit } from '../../src/models/vision/recipe.js';
import { Generator } from '../../src/core/random.js';
import { corpusPath, projectRoot } from '../helpers.js';
import { solutionText } from '../../src/cli/practice.js';
import { PROBLEMS } from '../../src/lessons/practice/problems.js';
import {
  type Playground, browserSkip, doneAt, openPlayground, screenshotsDir, serveWithoutIsolation, startPlayground, startTraining, watchResources,
} from './browser.js';

describe('browser playground (Vite build, Playwright driving headless Chromium)', { skip: browserSkip }, () => {
  const root = projectRoot();
  let playground: Playground;
  let browser: Browser;

  before(async () => {
    playground = await startPlayground();
    browser = playground.browser;
  });

  after(async () => { await playground?.close(); });

  const openPage = (options: Parameters<Browser['newPage']>[0] = {}) => openPlayground(playground, '', options);

  /** Trains `recipe` for `steps` through the page's controls and waits until the worker reports done. */
  async function train(page: Page, recipe: string, steps: number, timeout?: number): Promise<void> {
    await startTraining(page, recipe, steps);
    await doneAt(page, steps, timeout);
  }

  test('trains 50 steps of the names MLP: the loss goes down and sampled names appear', async () => {
    const { page, errors } = await openPage({ viewport: { width: 1400, height: 1000 } });
    // The page is cross-origin isolated, so the kernels get one thread per core (this machine has two or more).
    const threads = Math.min(4, availableParallelism());
    assert.match(await page.textContent('#status') ?? '', new RegExp(`ready: WebAssembly (relaxed SIMD|SIMD128) backend \\(${threads} threads?\\) in a Web Worker, cross-origin isolated`));
    await page.waitForSelector('#graph svg', { timeout: 60_000 });
    assert.match(await page.innerHTML('#graph'), /tanh/);

    await train(page, 'names-mlp', 50);

    const loss = await page.$eval('#loss', (el) => ({ ...(el as HTMLElement).dataset }));
    assert.equal(loss.steps, '50');
    assert.ok(Number(loss.first) > 3, `first loss ${loss.first}`);
    assert.ok(Number(loss.last) < Number(loss.first) - 0.3, `loss ${loss.first} -> ${loss.last}`);
    assert.match(await page.innerHTML('#loss'), /<svg/);
    const samples = (await page.textContent('#samples') ?? '').split('\n');
    assert.equal(samples.length, 12);
    assert.ok(samples.every((s) => /^[a-z]*$/.test(s)) && samples.some((s) => s.length > 2), samples.join(', '));
    assert.match(await page.innerHTML('#embedding'), /<circle/);
    assert.match(await page.textContent('#description') ?? '', /names mlp: \d+ parameters/);

    const shot = join(screenshotsDir(), 'playground-names-mlp.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000);
    assert.deepEqual(errors, []);
  });

  test('a GPT (products large enough to be split across threads) trains, shows every head of a layer as a heatmap, and its checkpoint reopens', async () => {
    const { page } = await openPage();
    await train(page, 'gpt-small', 10);
    // The prompt defaults to a line of the model's own held-out text: here a name, not a line of Shakespeare.
    assert.match(await page.inputValue('#prompt'), /^[a-z]{2,}$/);
    await page.fill('#prompt', 'anna');
    await page.click('#show-attention');
    await page.waitForSelector('#attention svg');
    assert.equal(await page.locator('#attention svg').count(), 4);
    assert.equal(await page.locator('#layer option').count(), 4);
    // A language model's progress line gives its batch and context and the time left on the engine that trains.
    assert.match(await page.textContent('#progress') ?? '', /^step 10\/10 \| loss \d\.\d{4} \| [\d.]+ steps\/s \| batch 16, block 32 \| ETA 0:00 on WebAssembly$/);

    const download = page.waitForEvent('download');
    await page.click('#save');
    const file = await (await download).path();
    // The saved file is a checkpoint the command line samples from.
    const copy = join(mkdtempSync(join(tmpdir(), 'zerograd-page-gpt-')), 'gpt.safetensors');
    copyFileSync(file, copy);
    const sample = gptSample(['--checkpoint', copy, '--max-new-tokens', '20'], { log: () => {}, progress: null });
    assert.equal(sample.length, 21);
    await page.setInputFiles('#open', { name: 'gpt.safetensors', mimeType: 'application/octet-stream', buffer: (await import('node:fs')).readFileSync(file) });
    await page.waitForFunction(() => /opened gpt\.safetensors \(gpt-small, trained 10 steps\)/.test(document.getElementById('description')?.textContent ?? ''));
  });

  test("the lecture's 10.8M GPT preset builds at the lecture's size on Tiny Shakespeare", async () => {
    const { page, errors } = await openPage();
    await startTraining(page, 'gpt-lecture', 5000);
    // A step of this model takes tens of seconds here; the preset's size and data are what this checks.
    await page.waitForFunction(() => /^GPT 10\.8M/.test(document.getElementById('description')?.textContent ?? ''), undefined, { timeout: 120_000 });
    assert.match(await page.textContent('#description') ?? '', /^GPT 10\.8M \(the lecture's\): n_embd 384, 6 heads, 6 layers, block 256, 10\d{6} parameters/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a checkpoint written by the CLI opens in the page, which then samples from it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'zerograd-cli-to-page-'));
    makemoreTrain(['--model', 'mlp', '--steps', '30', '--out', out, '--samples', '0'], { log: () => {}, progress: null });
    const { page } = await openPage();
    await page.setInputFiles('#open', join(resolveCheckpointDir(out), 'model.safetensors'));
    await doneAt(page, 30, 30_000);
    assert.match(await page.textContent('#description') ?? '', /opened model\.safetensors \(names-mlp, trained 30 steps\)/);
    assert.equal((await page.textContent('#samples') ?? '').split('\n').length, 12);
    assert.match(await page.innerHTML('#embedding'), /<circle/);
  });

  test('sentiment on the embedded SpamAssassin corpus: held-out predictions appear', async () => {
    const { page } = await openPage();
    await train(page, 'sentiment', 30, 180_000);
    assert.match(await page.textContent('#samples-title') ?? '', /^held-out predictions \(accuracy [\d.]+% on 200\)$/);
    assert.match(await page.textContent('#description') ?? '', /6046 texts from SpamAssassin corpus; labels ham, spam/);
  });

  test('draw a digit: a CNN trained in the page reads test digits drawn with the pointer, as it reads them offline', async () => {
    const { page, errors } = await openPage({ viewport: { width: 1400, height: 1200 } });
    await train(page, 'digits-cnn', 400);
    assert.match(await page.textContent('#samples-title') ?? '', /^validation: \d+ of 179 correct/);
    // The page's model, saved and rebuilt here: "offline" is this copy classifying what the page classified.
    const download = page.waitForEvent('download');
    await page.click('#save');
    const { model: weights, config } = parseWeights(readFileSync(await (await download).path()), 'digits.safetensors');
    const model = buildVisionModel(config.model as VisionModelConfig, new Generator(0));
    model.loadStateDict(weights);
    const offline = (pixels: number[]) => predictImages(model, { images: Float32Array.from(pixels), labels: new Int32Array(1), count: 1, height: 8, width: 8, source: 'page' }).classes[0];

    const digits = readDigitsCsv(corpusPath('digits.csv.gz'));
    const [, , test] = stratifiedSplit(digits.labels, [0.8, 0.1, 0.1]);
    await page.locator('#canvas').scrollIntoViewIfNeeded();
    const box = (await page.locator('#canvas').boundingBox())!;
    const cell = box.width / 8;
    let agreed = 0;
    let strokes = 0;
    for (const i of test.slice(0, 12)) {
      await page.click('#clear');
      // Each pixel darker than half is a dot of the pen: a real press, a short move and a release.
      const pixels = digits.images.subarray(i * 64, i * 64 + 64);
      for (let p = 0; p < 64; p++) {
        if (pixels[p] < 0.5) continue;
        const x = box.x + (p % 8 + 0.5) * cell;
        const y = box.y + (Math.floor(p / 8) + 0.5) * cell;
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + 1, y);
        await page.mouse.up();
        strokes++;
      }
      // Every lifted stroke is classified; wait for the answer to the last one.
      await page.waitForFunction((n) => document.getElementById('digit-prediction')?.dataset.drawings === String(n), strokes);
      const drawn = await page.$eval('#canvas', (el) => JSON.parse((el as HTMLCanvasElement).dataset.input!) as number[]);
      const shown = Number(await page.$eval('#digit-prediction', (el) => (el as HTMLElement).dataset.digit));
      const label = digits.labels[i];
      assert.equal(shown, offline(drawn), `the page and its saved model disagree on digit ${label}`);
      if (offline(drawn) === label) agreed++;
    }
    assert.ok(agreed >= 6, `${agreed} of 12 drawn digits classified correctly`);
    assert.equal(await page.locator('#bars .bar').count(), 10);
    assert.equal(await page.locator('#inspect svg').count(), 2, 'the filters and their feature maps');
    await page.screenshot({ path: join(screenshotsDir(), 'playground-draw-a-digit.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });

  test('draw a digit on a vision transformer: the CLS token\'s attention to each patch, per head', async () => {
    const { page, errors } = await openPage();
    await train(page, 'digits-vit', 20);
    await page.locator('#canvas').scrollIntoViewIfNeeded();
    const box = (await page.locator('#canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - 20, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => document.getElementById('digit-prediction')?.dataset.drawings === '1');
    assert.match(await page.textContent('#digit-prediction') ?? '', /^predicted: \d \(\d+%\)$/);
    const inspect = await page.innerHTML('#inspect');
    assert.match(inspect, /attention from CLS to each patch, last block, per head/);
    assert.equal((inspect.match(/>head \d</g) ?? []).length, 4, 'one patch grid per head');
    assert.deepEqual(errors, []);
  });
  /** The practice page at problem `id`, its worker ready; runs stop after `timeout` ms. */
  async function openPractice(id: number, timeout = 4000, options: Parameters<Browser['newPage']>[0] = {}) {
    const page = await browser.newPage(options);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const missing = watchResources(page);
    await page.goto(`${playground.url}practice.html?timeout=${timeout}#${id}`);
    await page.waitForSelector('#run:not([disabled])', { timeout: 60_000 });
    return { page, errors, missing };
  }

  /** Replaces the editor's text as a learner would (select all, then type), runs the tests, and returns the summary. */
  async function runCode(page: Page, code: string): Promise<string> {
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(code);
    assert.equal(await page.evaluate(() => document.querySelector('.cm-content')!.textContent!.length > 0), true);
    await page.click('#run');
    await page.waitForFunction(() => /passed|stopped|:\d+:\d+/.test(document.getElementById('summary')!.textContent ?? ''), undefined, { timeout: 60_000 });
    return (await page.textContent('#summary'))!;
  }

  test('practice page: problem 1 fails a wrong answer with its hint, passes a right one, and keeps the progress', async () => {
    const { page, errors } = await openPractice(1);
    assert.match((await page.textContent('#statement'))!, /getMinimizer\(10, 0\.01, 5\) gives 4\.08536/);
    assert.match(await page.evaluate(() => document.querySelector('.cm-content')!.textContent!), /throw new Error\('not implemented'\)/);
    const unrounded = 'export function getMinimizer(iterations: number, learningRate: number, init: number): number {\n  let x = init;\n  for (let i = 0; i < iterations; i++) x -= learningRate * 2 * x;\n  return x;\n}\n';
    assert.match(await runCode(page, unrounded), /^[12] of 5 cases passed$/);
    const failed = await page.locator('#results li.failed').first().textContent();
    assert.match(failed!, /expected 4\.08536\s+got\s+4\.085364/);
    assert.match(failed!, /hint: round to 5 decimals/);
    assert.equal(await runCode(page, solutionText(PROBLEMS[0])), 'all 5 cases passed');
    assert.equal(await page.locator('#results li.passed').count(), 5);
    await page.reload();
    await page.waitForSelector('#run:not([disabled])');
    assert.match((await page.locator('#problem option[value="1"]').textContent())!, /\(passed\)/);
    assert.match(await page.evaluate(() => document.querySelector('.cm-content')!.textContent!), /Math\.round\(minimizer \* 1e5\)/);
    await page.click('#solution');
    assert.match((await page.textContent('#solution-text'))!, /from 'zerograd'|export function getMinimizer/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('practice page: problem 9 (attention) without the causal mask fails with its hint; the course\'s answer passes', async () => {
    const { page, errors } = await openPractice(9);
    const right = solutionText(PROBLEMS[8]);
    const unmasked = right.replace('    scores = scores.maskedFill(lowerTriangular.eq(0), -Infinity);\n', '');
    assert.match(await runCode(page, unmasked), /^\d of 3 cases passed$/);
    assert.match((await page.locator('#results li.failed .hint').first().textContent())!, /causal mask/);
    assert.equal(await runCode(page, right), 'all 3 cases passed');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('practice page: a syntax error names its line, and an endless loop is stopped without losing the page', async () => {
    const { page } = await openPractice(2, 2000);
    assert.match(await runCode(page, 'export function getMinimizerMultivariate(iterations: number): number {\n  return iterations +* 2;\n}\n'), /problem-2\.ts:2:\d+: Unexpected token/);
    const loop = 'export function getMinimizerMultivariate(iterations: number, learningRate: number, init: [number, number]): [number, number] {\n  while (true) init[0] += learningRate;\n}\n';
    assert.equal(await runCode(page, loop), 'stopped after 2 s: does a loop never end?');
    await page.waitForSelector('#run:not([disabled])');
    assert.equal(await runCode(page, solutionText(PROBLEMS[1])), 'all 4 cases passed');
    await page.close();
  });

  /** How far the page is wider than its window, in CSS pixels (0: no sideways scroll), and which panels scroll sideways. */
  const overflow = (page: Page) => page.evaluate(() => ({
    page: document.scrollingElement!.scrollWidth - innerWidth,
    panels: Array.from(document.querySelectorAll('section')).filter((s) => s.scrollWidth > s.clientWidth).map((s) => s.querySelector('h2')?.textContent ?? s.id),
  }));

  /** WCAG's contrast ratio of two computed CSS colours, 'rgb(r, g, b)'. */
  function contrast(a: string, b: string): number {
    const luminance = (css: string) => {
      const [r, g, b] = css.match(/[\d.]+/g)!.slice(0, 3).map((v) => Number(v) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }

  const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];

  test('layout on a laptop (1280x800) and a phone (390x844): no sideways scroll, every resource found, what each panel will show', async (t) => {
    const shots = screenshotsDir();
    t.diagnostic(`screenshots in ${shots}`);
    // One page each, resized: the layout follows the window, and a page's worker is slow to start on two busy cores.
    const { page, errors, missing } = await openPage({ viewport: VIEWPORTS[0] });
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      const where = `at ${viewport.width}x${viewport.height}`;
      assert.deepEqual(await overflow(page), { page: 0, panels: [] }, where);
      for (const panel of ['#loss', '#samples', '#embedding']) {
        assert.match(await page.locator(`${panel} .placeholder`).innerText(), /^press train: /, `${panel} ${where}`);
      }
      // The drawing hint reads as a line or two, not one word a line.
      const hint = (await page.locator('#bars small').boundingBox())!;
      assert.ok(hint.width > 180 && hint.height < 60, `draw-a-digit hint ${hint.width}x${hint.height} px ${where}`);
      await page.screenshot({ path: join(shots, `playground-${viewport.width}x${viewport.height}.png`), fullPage: true });
    }
    assert.equal(await page.isVisible('#isolation-note'), false, 'the page is cross-origin isolated');
    const [link, header] = await page.evaluate(() => [getComputedStyle(document.querySelector('header a')!).color, getComputedStyle(document.querySelector('header')!).backgroundColor]);
    assert.ok(contrast(link, header) >= 4.5, `header link ${link} on ${header}: contrast ${contrast(link, header).toFixed(2)}`);
    const icon = await page.getAttribute('link[rel="icon"]', 'href');
    assert.ok(icon, 'a favicon is linked');
    assert.equal((await page.request.get(new URL(icon, page.url()).href)).status(), 200);
    assert.deepEqual(missing, []);
    assert.deepEqual(errors, []);
    await page.close();

    const practice = await openPractice(1, 4000, { viewport: VIEWPORTS[0] });
    for (const viewport of VIEWPORTS) {
      await practice.page.setViewportSize(viewport);
      const where = `at ${viewport.width}x${viewport.height}`;
      assert.deepEqual(await overflow(practice.page), { page: 0, panels: [] }, `practice ${where}`);
      // The editor wraps the starter's long comment lines rather than scrolling them out of sight.
      const editor = await practice.page.$eval('.cm-scroller', (el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      assert.ok(editor.scroll <= editor.client, `the editor scrolls sideways ${where}: ${JSON.stringify(editor)}`);
      await practice.page.screenshot({ path: join(shots, `practice-${viewport.width}x${viewport.height}.png`), fullPage: true });
    }
    assert.deepEqual(practice.missing, []);
    assert.deepEqual(practice.errors, []);
    await practice.page.close();
  });

  test('served by a plain static server (no COOP/COEP headers), the page trains on one thread and says why', async () => {
    const plain = await serveWithoutIsolation();
    try {
      const { page, errors, missing } = await openPlayground(playground, '?backend=wasm', { viewport: VIEWPORTS[0] }, plain.url);
      assert.match(await page.textContent('#status') ?? '', /^ready: WebAssembly .* backend \(1 thread\) in a Web Worker$/);
      const note = await page.locator('#isolation-note').innerText();
      assert.match(note, /not cross-origin isolated/);
      assert.match(note, /Cross-Origin-Opener-Policy: same-origin/);
      assert.match(note, /Cross-Origin-Embedder-Policy: require-corp/);
      assert.match(note, /npm run playground:preview/);
      await page.screenshot({ path: join(screenshotsDir(), 'playground-not-isolated.png') });
      assert.deepEqual(missing, []);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      await plain.close();
    }
  });

  test('`npm run playground:preview` serves the build cross-origin isolated', async () => {
    // Its own process group, so that npm, its shell and Vite all end together.
    const server = spawn('npm', ['run', 'playground:preview', '--', '--port', '0', '--host', '127.0.0.1'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    // Were the URL never printed, the loop below would wait forever: the server is stopped after a minute instead.
    const deadline = setTimeout(() => process.kill(-server.pid!), 60_000);
    try {
      let printed = '';
      for await (const chunk of server.stdout) {
        // Under CI=true Vite colours its output even into a pipe, with the port in bold: the escapes go first.
        printed += String(chunk).replace(/\x1b\[[0-9;]*m/g, '');
        if (/http:\/\/127\.0\.0\.1:\d+\//.test(printed)) break;
      }
      const url = printed.match(/http:\/\/127\.0\.0\.1:\d+\//)?.[0];
      assert.ok(url, `no URL in what the preview printed: ${printed}`);
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /<title>zerograd playground<\/title>/);
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(response.headers.get('cross-origin-embedder-policy'), 'require-corp');
    } finally {
      clearTimeout(deadline);
      if (server.exitCode === null && server.signalCode === null) {
        const exited = once(server, 'exit');
        process.kill(-server.pid!);
        await exited;
      }
    }
  });
});
