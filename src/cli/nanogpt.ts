// `zerograd gpt export --format nanogpt` and `zerograd gpt import --from nanogpt`: a GPT run continues in
// nanoGPT's train.py (one GPU, or many with torchrun) and comes back. zerograd writes and reads safetensors;
// scripts/nanogpt_handoff.py turns them into nanoGPT's pickled ckpt.pt and meta.pkl and back.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CharTokenizer } from '../data/charTokenizer.js';
import { packageRoot } from '../data/corpora.js';
import { splitTokens } from '../data/textDataset.js';
import { makeDirectory, writeFileAtomic } from '../io/atomicWrite.js';
import { type Checkpoint, checkpointEntries, loadRecipeCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import {
  type NanoGPTModelArgs, fromModelArgs, fromNanoGPTStateDict, nanoGPTIncompatibility, nanoGPTParameterOrder, toModelArgs, toNanoGPTStateDict,
} from '../models/gpt/nanogptLayout.js';
import { parseSafetensors, serializeSafetensors } from '../io/safetensors.js';
import { GPT, type GPTConfig } from '../models/gpt/gpt.js';
import type { GPTTrainConfig } from '../models/gpt/recipe.js';
import { Generator } from '../core/random.js';
import { Tensor } from '../tensor/tensor.js';
import { type CliIO, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';
import { checkConfigAgainstWeights, gptConfigParameters, loadText } from './gpt.js';

export const GPT_EXPORT = defineCommand({
  name: 'gpt export',
  summary: "write a GPT checkpoint as nanoGPT's ckpt.pt (weights, AdamW state, iteration) with its train.bin, val.bin and meta.pkl",
  options: {
    checkpoint: { type: 'path', value: 'DIR', help: 'run folder of a GPT checkpoint (required)' },
    format: { type: 'choice', choices: ['nanogpt'], help: 'the layout to write (required; nanoGPT is the one there is)' },
    out: { type: 'path', value: 'DIR', help: 'where ckpt.pt and the data files go (required); pass it as --out_dir and --dataset to train.py' },
  },
});

export const GPT_IMPORT = defineCommand({
  name: 'gpt import',
  summary: "read nanoGPT's ckpt.pt into a zerograd checkpoint, for sampling, the playground and further training",
  argument: { name: 'CKPT', required: true, help: "nanoGPT's ckpt.pt" },
  options: {
    from: { type: 'string', value: 'nanogpt', help: 'the layout to read (required)' },
    meta: { type: 'path', value: 'FILE', shown: 'meta.pkl beside CKPT', help: "the character vocabulary, as nanoGPT's prepare.py writes it" },
    data: { type: 'path', value: 'FILE', shown: 'none', help: 'the text it was trained on, recorded for `gpt train --resume --extend N`' },
    out: { type: 'path', value: 'DIR', help: 'run folder to write the checkpoint into (required)' },
  },
});

/** What scripts/nanogpt_handoff.py and zerograd pass each other beside the tensors. */
interface HandoffSpec {
  model_args: NanoGPTModelArgs;
  iter_num: number;
  best_val_loss: number;
  step: number;
  param_groups: { count: number; lr: number; betas: [number, number]; eps: number; weight_decay: number }[];
  vocab: string[] | null;
  parameter_names?: string[];
  config?: Record<string, unknown>;
}

/** ZEROGRAD_PYTHON, else the first of python3 on the PATH and Debian's /usr/bin/python3 that has torch. */
function python(): string {
  if (process.env.ZEROGRAD_PYTHON) return process.env.ZEROGRAD_PYTHON;
  const candidates = ['python3', '/usr/bin/python3'];
  return candidates.find((exe) => spawnSync(exe, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? candidates[0];
}
const handoffScript = () => join(packageRoot(), 'scripts', 'nanogpt_handoff.py');

/** Runs the Python converter; a missing torch is an error that says what to install. */
function runConverter(args: string[]): void {
  const exe = python();
  const result = spawnSync(exe, [handoffScript(), ...args], { encoding: 'utf8' });
  // Status 3: a file was refused, in one line that names it.
  if (result.status === 3) throw new Error(result.stderr.trim());
  if (result.error || result.status !== 0) {
    const output = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n').at(-1);
    const hint = /No module named 'torch'|ENOENT/.test(output ?? '') ? ' (it needs Python 3 with PyTorch: Debian\'s python3-torch, or pip install torch; ZEROGRAD_PYTHON names another interpreter)' : '';
    throw new Error(`${exe} ${handoffScript()} ${args.join(' ')} failed: ${output}${hint}`);
  }
}

/** Each parameter's name, in the order zerograd's optimizer holds its state (tied tensors once). */
function optimizerNames(model: GPT): string[] {
  const seen = new Set<Tensor>();
  return model.namedParameters().filter(([, p]) => !seen.has(p) && seen.add(p)).map(([name]) => name);
}

export function gptExport(argv: string[], io: CliIO = consoleIO): string {
  const o = parseOptions(GPT_EXPORT, argv);
  if (!o.checkpoint || !o.out) throw new UsageError('gpt export: --checkpoint DIR and --out DIR are required');
  if (o.format === undefined) throw new UsageError('gpt export: --format nanogpt is required');
  const checkpoint = loadRecipeCheckpoint(o.checkpoint, 'gpt', GPT_EXPORT.name);
  checkConfigAgainstWeights(o.checkpoint, checkpoint, gptConfigParameters(checkpoint.config));
  const config = checkpoint.config.model as GPTConfig;
  const reason = nanoGPTIncompatibility(config);
  if (reason) throw new UsageError(`gpt export: nanoGPT cannot represent the model in ${o.checkpoint}: ${reason}`);
  const train = checkpoint.config.train as GPTTrainConfig;
  const vocab = checkpoint.config.vocab as string[];
  if (vocab.length > 65_536) throw new UsageError(`gpt export: nanoGPT stores tokens as uint16; a vocabulary of ${vocab.length} does not fit`);
  const model = new GPT(config, new Generator(0));
  model.loadStateDict(checkpoint.model);
  const out = resolve(o.out);
  makeDirectory(out);
  // What only the converter reads stays out of the folder handed to nanoGPT.
  const staging = mkdtempSync(join(tmpdir(), 'zerograd-export-'));
  try {
    writeStaging(staging, checkpoint, model, out);
    // The same text, tokens and 90/10 split the run trained on, as nanoGPT's prepare.py lays them out.
    const { text } = loadText((checkpoint.config.data as string | null) ?? undefined, false, io);
    const splits = splitTokens(new CharTokenizer(vocab).encode(text));
    writeFileAtomic(join(out, 'train.bin'), new Uint8Array(Uint16Array.from(splits.train).buffer));
    writeFileAtomic(join(out, 'val.bin'), new Uint8Array(Uint16Array.from(splits.val).buffer));
    runConverter(['export', staging, out]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  io.log(`wrote ${join(out, 'ckpt.pt')} (step ${checkpoint.trainer.step}), meta.pkl, train.bin and val.bin`);
  io.log(`continue in nanoGPT: python train.py --init_from=resume --out_dir=${out} --dataset=${out} --batch_size=${train.batchSize} `
    + `--block_size=${config.blockSize} --learning_rate=${train.lr} --min_lr=${train.minLr} --warmup_iters=${train.warmupSteps} `
    + `--lr_decay_iters=${train.decaySteps} --max_iters=${train.steps} --beta2=0.99 --dropout=${config.dropout} --gradient_accumulation_steps=1 --always_save_checkpoint=True`);
  io.log(`on 8 GPUs: torchrun --standalone --nproc_per_node=8 train.py --init_from=resume --out_dir=${out} --dataset=${out} ... (the same flags)`);
  return join(out, 'ckpt.pt');
}

/** The weights, AdamW moments and the rest of ckpt.pt, as safetensors and JSON for scripts/nanogpt_handoff.py. */
function writeStaging(staging: string, checkpoint: Checkpoint, model: GPT, out: string): void {
  const config = checkpoint.config.model as GPTConfig;
  const train = checkpoint.config.train as GPTTrainConfig;
  const state = toNanoGPTStateDict(model);
  state.delete('lm_head.weight');
  writeFileAtomic(join(staging, 'model.safetensors'), serializeSafetensors(state));
  const order = nanoGPTParameterOrder(model);
  const index = new Map(order.names.map((name, j) => [name, j]));
  const moments = new Map<string, Tensor>();
  const shapes = new Map(model.namedParameters().map(([name, p]) => [name, p.shape]));
  optimizerNames(model).forEach((name, i) => {
    const j = index.get(name)!;
    for (const kind of ['exp_avg', 'exp_avg_sq']) {
      const values = checkpoint.optimizer.get(`${kind}.${i}`);
      if (values) moments.set(`state.${j}.${kind}`, Tensor.fromStorage(Float32Array.from(values), shapes.get(name)!));
    }
  });
  writeFileAtomic(join(staging, 'optimizer.safetensors'), serializeSafetensors(moments));

  const evals = (checkpoint.config.evals as [number, number, number][] | undefined) ?? [];
  const group = { lr: train.lr, betas: [0.9, 0.99] as [number, number], eps: 1e-8 };
  const spec: HandoffSpec = {
    model_args: toModelArgs(config),
    iter_num: checkpoint.trainer.step,
    best_val_loss: evals.length ? Math.min(...evals.map(([, , v]) => v)) : 1e9,
    step: checkpoint.trainer.step,
    parameter_names: order.names,
    param_groups: [{ count: order.decayed, ...group, weight_decay: train.weightDecay }, { count: order.names.length - order.decayed, ...group, weight_decay: 0 }],
    vocab: checkpoint.config.vocab as string[],
    // train.py's own settings of this run, under its names (nanoGPT saves them for the record).
    config: {
      out_dir: out, dataset: out, eval_interval: train.evalEvery, eval_iters: train.evalIters, batch_size: train.batchSize,
      gradient_accumulation_steps: 1, block_size: config.blockSize, n_layer: config.nLayer, n_head: config.nHead, n_embd: config.nEmbd,
      dropout: config.dropout, bias: config.bias, learning_rate: train.lr, max_iters: train.steps, weight_decay: train.weightDecay,
      beta1: 0.9, beta2: 0.99, grad_clip: train.clipNorm, decay_lr: train.schedule === 'cosine', warmup_iters: train.warmupSteps,
      lr_decay_iters: train.decaySteps, min_lr: train.minLr,
    },
  };
  writeFileAtomic(join(staging, 'nanogpt.json'), `${JSON.stringify(spec)}\n`);
}

export function gptImport(argv: string[], io: CliIO = consoleIO): string {
  const o = parseOptions(GPT_IMPORT, argv);
  if (o.from !== 'nanogpt') throw new UsageError(`gpt import: --from nanogpt is required${o.from === undefined ? '' : `, got '${o.from}'`}`);
  if (!o.argument || !o.out) throw new UsageError('gpt import: the ckpt.pt file and --out DIR are required');
  if (!existsSync(o.argument)) throw new Error(`${o.argument}: no such file`);
  const held = checkpointEntries(o.out);
  if (held.length > 0) throw new UsageError(`gpt import: ${o.out} holds a run (${held.join(', ')}); import into an empty --out`);
  const meta = o.meta ?? join(dirname(o.argument), 'meta.pkl');
  if (!existsSync(meta)) throw new UsageError(`gpt import: the vocabulary is in nanoGPT's meta.pkl, and ${meta} does not exist; name it with --meta FILE`);
  const staging = mkdtempSync(join(tmpdir(), 'zerograd-import-'));
  try {
    runConverter(['import', o.argument, staging, meta]);
    const spec = JSON.parse(readFileSync(join(staging, 'nanogpt.json'), 'utf8')) as HandoffSpec;
    const config = fromModelArgs(spec.model_args);
    if (!spec.vocab || spec.vocab.length !== config.vocabSize) {
      throw new Error(`${meta}: its vocabulary has ${spec.vocab?.length ?? 0} characters, the model ${config.vocabSize}`);
    }
    const model = new GPT(config, new Generator(0));
    const read = (file: string) => parseSafetensors(readFileSync(join(staging, file)), `${o.argument} (${file})`).tensors;
    model.loadStateDict(fromNanoGPTStateDict(read('model.safetensors')));
    const moments = read('optimizer.safetensors');
    const index = new Map(nanoGPTParameterOrder(model).names.map((name, j) => [name, j]));
    const optimizer = new Map<string, Float32Array>();
    optimizerNames(model).forEach((name, i) => {
      for (const kind of ['exp_avg', 'exp_avg_sq']) {
        const values = moments.get(`state.${index.get(name)}.${kind}`);
        if (values) optimizer.set(`${kind}.${i}`, values.to('float32').denseData() as Float32Array);
      }
    });
    const c = (spec.config ?? {}) as Record<string, number | boolean>;
    const train: GPTTrainConfig = {
      steps: Number(c.max_iters ?? spec.iter_num), batchSize: Number(c.batch_size ?? 12), lr: Number(c.learning_rate ?? 6e-4),
      schedule: c.decay_lr === false ? 'constant' : 'cosine', warmupSteps: Number(c.warmup_iters ?? 0), decaySteps: Number(c.lr_decay_iters ?? c.max_iters ?? spec.iter_num),
      minLr: Number(c.min_lr ?? 6e-5), weightDecay: Number(c.weight_decay ?? 0.1), clipNorm: Number(c.grad_clip ?? 1),
      evalEvery: Number(c.eval_interval ?? 250), evalIters: Number(c.eval_iters ?? 200), seed: 1337,
    };
    const imported: Checkpoint = {
      config: { recipe: 'gpt', preset: 'nanogpt', data: o.data ? resolve(o.data) : null, model: config, vocab: spec.vocab, train, evals: [],
        imported: { from: resolve(o.argument), iter_num: spec.iter_num, best_val_loss: spec.best_val_loss } },
      model: model.stateDict(),
      optimizer: spec.step > 0 ? optimizer : new Map(),
      trainer: { step: spec.iter_num, rng: new Generator(train.seed).getState(), losses: [] },
    };
    const dir = saveCheckpoint(o.out, imported);
    io.log(`imported ${o.argument} (iteration ${spec.iter_num}, best val loss ${spec.best_val_loss.toFixed(4)}) into ${dir}`);
    return dir;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
