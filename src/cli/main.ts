import { join } from 'node:path';
import { setBackend } from '../backend/registry.js';
import { backendChoice } from '../backend/select.js';
import { type CommandSpec, UsageError, closestNames, commandHelp, defineCommand, helpHint, parseOptions } from './args.js';
import { STEPS } from './commonOptions.js';
import { helpItem, termColumn, terminalWidth, wrapText } from './helpLayout.js';
import { CLASSIFY_EVAL, CLASSIFY_PREDICT, CLASSIFY_TRAIN, classifyEval, classifyPredict, classifyTrain } from './classify.js';
import { MAKEMORE_DIAGNOSE, makemoreDiagnose } from './diagnose.js';
import { GPT_SAMPLE, GPT_TRAIN, gptSample, gptTrain, gptTrainAsync } from './gpt.js';
import { type DeviceChoice, chooseDevice, deviceLine } from './device.js';
import { CHARRNN_SAMPLE, CHARRNN_TRAIN, charrnnSample, charrnnTrain, charrnnTrainAsync } from './charrnn.js';
import { GPT_FINETUNE, gptFinetune } from './finetune.js';
import { CHAT_CORPUS, GPT_CHAT, chatCorpus, gptChat } from './chat.js';
import { RAG_ASK, RAG_INDEX, ragAsk, ragIndex } from './rag.js';
import { RAG_CORPUS, RAG_TRAIN, ragCorpus, ragTrain } from './ragReader.js';
import { MLM_PRETRAIN, mlmPretrain } from './mlm.js';
import { INFO, info, packageVersion } from './info.js';
import { Interrupted } from '../models/runGuard.js';
import { interruptedStatus } from './supervise.js';
import {
  PRACTICE_CHECK, PRACTICE_LIST, PRACTICE_SOLUTION, PRACTICE_START, practiceCheck, practiceList, practiceSolution, practiceStart,
} from './practice.js';
import { GPT_EXPORT, GPT_IMPORT, gptExport, gptImport } from './nanogpt.js';
import { MAKEMORE_EVAL, MAKEMORE_SAMPLE, MAKEMORE_TRAIN, makemoreEval, makemoreSample, makemoreTrain } from './makemore.js';
import { KMEANS, VISION_EVAL, VISION_PREDICT, VISION_TRAIN, kmeansCommand, visionEval, visionPredict, visionTrain } from './vision.js';
import { TAG_CORPUS, TAG_EVAL, TAG_PREDICT, TAG_TRAIN, tagCorpus, tagEval, tagPredict, tagTrain } from './tag.js';

const DEMO = defineCommand({
  name: 'demo',
  summary: 'train a small GPT on the embedded names corpus, then sample new names (what `npm start` runs)',
  options: { steps: { ...STEPS, default: 1500 } },
});

/** The README's main job: a small GPT trained on the embedded names corpus, then a sample of new names. */
function demo(argv: string[]): void {
  const o = parseOptions(DEMO, argv);
  gptTrain(['--config', 'tiny', '--steps', String(o.steps), '--lr', '3e-3', '--schedule', 'cosine', '--eval-iters', '20',
    '--out', join('runs', 'demo'), '--sample-tokens', '300', '--overwrite']);
}

/** Every command: its spec (options and help) and what runs it. */
const COMMANDS: [CommandSpec, (argv: string[]) => unknown][] = [
  [DEMO, demo],
  [MAKEMORE_TRAIN, makemoreTrain], [MAKEMORE_SAMPLE, makemoreSample], [MAKEMORE_EVAL, makemoreEval], [MAKEMORE_DIAGNOSE, makemoreDiagnose],
  [GPT_TRAIN, gptTrain], [GPT_SAMPLE, gptSample], [GPT_FINETUNE, gptFinetune], [GPT_CHAT, gptChat], [CHAT_CORPUS, chatCorpus],
  [GPT_EXPORT, gptExport], [GPT_IMPORT, gptImport],
  [CHARRNN_TRAIN, charrnnTrain], [CHARRNN_SAMPLE, charrnnSample], [RAG_CORPUS, ragCorpus], [RAG_TRAIN, ragTrain], [RAG_INDEX, ragIndex], [RAG_ASK, ragAsk],
  [CLASSIFY_TRAIN, classifyTrain], [CLASSIFY_EVAL, classifyEval], [CLASSIFY_PREDICT, classifyPredict],
  [MLM_PRETRAIN, mlmPretrain], [TAG_TRAIN, tagTrain], [TAG_EVAL, tagEval], [TAG_PREDICT, tagPredict], [TAG_CORPUS, tagCorpus],
  [VISION_TRAIN, visionTrain], [VISION_EVAL, visionEval], [VISION_PREDICT, visionPredict], [KMEANS, kmeansCommand],
  [PRACTICE_LIST, practiceList], [PRACTICE_START, practiceStart], [PRACTICE_CHECK, practiceCheck], [PRACTICE_SOLUTION, practiceSolution],
  [INFO, info],
];

/** `zerograd --help`: every command and what it does, wrapped at `width` columns. */
export function usage(width = terminalWidth()): string {
  const terms = COMMANDS.map(([spec]) => `zerograd ${spec.name}`);
  const column = termColumn(Math.max(...terms.map((t) => t.length)), width);
  return [
    'zerograd: autograd, tensors and language models from zero.',
    '',
    ...COMMANDS.map(([spec], i) => helpItem(terms[i], spec.summary, column, width)),
    '',
    ...wrapText("Run 'zerograd COMMAND --help' (e.g. 'zerograd gpt train --help') for a command's options and their defaults; 'zerograd --version' prints the version.", width),
  ].join('\n');
}

/** The fast backend unless ZEROGRAD_BACKEND=reference asks for the plain TypeScript kernels. */
function chosenBackend(): ReturnType<typeof backendChoice> {
  try {
    return backendChoice();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * What runs a command on a GPU, where it differs from the CPU's: values are read back asynchronously there (a step's
 * loss, a checkpoint), so the command's run is awaited. A command with --device and no entry here runs on the CPU.
 */
const ON_GPU = new Map<CommandSpec, (argv: string[]) => Promise<unknown>>([[GPT_TRAIN, gptTrainAsync], [CHARRNN_TRAIN, charrnnTrainAsync]]);

/** Sets the backend the command's --device asks for (the CPU one for a command without it) and runs the command. */
async function runOn(spec: CommandSpec, run: (argv: string[]) => unknown, argv: string[]): Promise<void> {
  const choice = 'device' in spec.options ? (parseOptions(spec, argv) as unknown as { device: DeviceChoice }).device : 'cpu';
  const onGPU = ON_GPU.get(spec);
  const device = await chooseDevice(choice, spec.name, onGPU !== undefined, chosenBackend());
  setBackend(device.backend);
  if (!device.gpu) {
    run(argv);
    return;
  }
  console.log(deviceLine(device.gpu));
  try {
    await onGPU!(argv);
    const fault = device.gpu.fault();
    if (fault) throw new Error(`${fault}; this run's results cannot be trusted`);
  } finally {
    device.gpu.kernels.device.destroy();
  }
}

const findCommand = (first: string, second: string) =>
  COMMANDS.find(([spec]) => spec.name === `${first} ${second}`) ?? COMMANDS.find(([spec]) => spec.name === first);

const quoted = (names: string[]) => names.map((name) => `'${name}'`).join(' or ');

/**
 * The commands a mistyped `first second` was probably meant as: `gtp` → gpt, `gtp train` → gpt train,
 * `gpt trian` → gpt train (within `group`, the subcommands `first` names), or none.
 */
function suggestions(first: string, second: string, group: string[]): string[] {
  const names = COMMANDS.map(([spec]) => spec.name);
  if (group.length) return !second || second.startsWith('-') ? [] : closestNames(second, group).map((name) => `${first} ${name}`);
  if (first.startsWith('-')) return [];
  return closestNames(first, names.map((name) => name.split(' ')[0]))
    .map((name) => (names.includes(`${name} ${second}`) ? `${name} ${second}` : name));
}

/** The one-line error for an unknown command, with the close matches and the commands of the group it names. */
function unknownCommand(first: string, second: string): string {
  const group = COMMANDS.filter(([spec]) => spec.name.startsWith(`${first} `)).map(([spec]) => spec.name.split(' ')[1]);
  const close = suggestions(first, second, group);
  const meant = close.length ? `; did you mean ${quoted(close)}?` : '';
  if (group.length) return `error: '${[first, second].join(' ').trim()}' is not a command${meant}${meant ? ' ' : '; '}'${first}' has: ${group.join(', ')}`;
  return `error: unknown command '${first}'${meant}\n${meant ? "run 'zerograd --help' for the commands" : `\n${usage()}`}`;
}

/** Whether `argv` trains into a run folder (and so should stop cleanly on Ctrl-C: supervise.ts). */
export function isTrainingCommand(argv: string[]): boolean {
  const [spec] = findCommand(argv[0] ?? '', argv[1] ?? '') ?? [];
  return spec !== undefined && (spec === DEMO || 'resume' in spec.options) && !argv.includes('--help') && !argv.includes('-h');
}

export async function main(argv: string[]): Promise<number> {
  const [first = 'help', second = ''] = argv;
  if (['--version', '-v'].includes(first)) {
    console.log(packageVersion());
    return 0;
  }
  const found = findCommand(first, second);
  if (!found) {
    if (['help', '--help', '-h'].includes(first)) {
      console.log(usage());
      return 0;
    }
    console.error(unknownCommand(first, second));
    return 2;
  }
  const [spec, run] = found;
  const rest = argv.slice(spec.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(spec));
    return 0;
  }
  try {
    if (spec === INFO) info(rest);
    else await runOn(spec, run, rest);
    return 0;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (error instanceof Interrupted) {
      const resume = `zerograd ${error.command} --out ${error.runDir} --resume`;
      console.error(error.checkpoint ? `\n${message}; continue with: ${resume}` : `\n${message}`);
      return interruptedStatus();
    }
    if (error instanceof UsageError) {
      console.error(`error: ${message}\n${helpHint(spec.name)}`);
      return 2;
    }
    // One line for the user; ZEROGRAD_DEBUG=1 adds the stack, for a bug report.
    console.error(`error: ${message}`);
    if (process.env.ZEROGRAD_DEBUG) console.error((error as Error).stack);
    return 1;
  }
}
