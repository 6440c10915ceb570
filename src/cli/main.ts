import { UsageError } from './args.js';
import { DIAGNOSE_USAGE, makemoreDiagnose } from './diagnose.js';
import { GPT_USAGE, gptSample, gptTrain } from './gpt.js';
import { MAKEMORE_USAGE, makemoreEval, makemoreSample, makemoreTrain } from './makemore.js';

const USAGE = `zerograd: autograd, tensors and language models from zero.

zerograd demo [--steps N]          train a names model on the embedded corpus and sample from it
${MAKEMORE_USAGE}
${DIAGNOSE_USAGE}
${GPT_USAGE}`;

/** The README's main job: a names MLP (with the init fixes) on the embedded corpus, then samples. */
function demo(argv: string[]): void {
  const steps = argv.includes('--steps') ? argv[argv.indexOf('--steps') + 1] : '20000';
  makemoreTrain(['--model', 'mlp', '--init-fixes', '--steps', steps, '--out', 'runs/demo', '--samples', '15']);
}

const commands: Record<string, (argv: string[]) => unknown> = {
  demo,
  'makemore train': makemoreTrain,
  'makemore sample': makemoreSample,
  'makemore eval': makemoreEval,
  'makemore diagnose': makemoreDiagnose,
  'gpt train': gptTrain,
  'gpt sample': gptSample,
};

export function main(argv: string[]): number {
  const [first = 'help', second = ''] = argv;
  const two = `${first} ${second}`;
  const [name, rest] = two in commands ? [two, argv.slice(2)] : [first, argv.slice(1)];
  const command = commands[name];
  if (!command) {
    console.log(USAGE);
    return first === 'help' || first === '--help' ? 0 : 2;
  }
  try {
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
