import { join } from 'node:path';
import { setBackend } from '../backend/registry.js';
import { referenceBackend } from '../backend/reference/index.js';
import { createWasmBackend } from '../backend/wasm/index.js';
import { UsageError, parseOptions } from './args.js';
import { CLASSIFY_USAGE, classifyEval, classifyPredict, classifyTrain } from './classify.js';
import { DIAGNOSE_USAGE, makemoreDiagnose } from './diagnose.js';
import { GPT_USAGE, gptSample, gptTrain } from './gpt.js';
import { MAKEMORE_USAGE, makemoreEval, makemoreSample, makemoreTrain } from './makemore.js';
import { TAG_USAGE, tagCorpus, tagEval, tagPredict, tagTrain } from './tag.js';

const USAGE = `zerograd: autograd, tensors and language models from zero.

zerograd demo [--steps N]          train a small GPT on the embedded names corpus and sample from it
${MAKEMORE_USAGE}
${DIAGNOSE_USAGE}
${GPT_USAGE}
${CLASSIFY_USAGE}
${TAG_USAGE}`;

/** The README's main job: a small GPT trained on the embedded names corpus, then a sample of new names. */
function demo(argv: string[]): void {
  const o = parseOptions('demo', argv, { steps: { type: 'string' } });
  gptTrain(['--config', 'tiny', '--steps', o.steps ?? '1500', '--lr', '3e-3', '--eval-iters', '20', '--out', join('runs', 'demo'), '--sample-tokens', '300']);
}

const commands: Record<string, (argv: string[]) => unknown> = {
  demo,
  'makemore train': makemoreTrain,
  'makemore sample': makemoreSample,
  'makemore eval': makemoreEval,
  'makemore diagnose': makemoreDiagnose,
  'gpt train': gptTrain,
  'gpt sample': gptSample,
  'classify train': classifyTrain,
  'classify eval': classifyEval,
  'classify predict': classifyPredict,
  'tag train': tagTrain,
  'tag eval': tagEval,
  'tag predict': tagPredict,
  'tag corpus': tagCorpus,
};

/** The fast backend unless ZEROGRAD_BACKEND=reference asks for the plain TypeScript kernels. */
function selectBackend(): void {
  const choice = process.env.ZEROGRAD_BACKEND ?? 'wasm';
  if (choice === 'wasm') setBackend(createWasmBackend());
  else if (choice === 'reference') setBackend(referenceBackend);
  else throw new UsageError(`ZEROGRAD_BACKEND must be 'wasm' or 'reference', got '${choice}'`);
}

export function main(argv: string[]): number {
  const [first = 'help', second = ''] = argv;
  const two = `${first} ${second}`;
  const [name, rest] = two in commands ? [two, argv.slice(2)] : [first, argv.slice(1)];
  const command = commands[name];
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (!command) {
    console.log(USAGE);
    return first === 'help' || first === '--help' ? 0 : 2;
  }
  try {
    selectBackend();
    command(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
}
