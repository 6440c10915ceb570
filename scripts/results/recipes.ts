/** Every recipe behind a number in README.md and docs/results.md: its commands, the numbers it prints, their tolerances and its cost. */
import { n, type Measure, type Recipe } from './recipe.js';

const trainVal = (tolerance: number, command?: number): Measure[] => [
  n('train', /train loss (N),? \|? ?val loss/, tolerance, command),
  n('val', /train loss -?[\d.]+,? \|? ?val loss (N)/, tolerance, command),
];
const evalSplits = (tolerance: number): Measure[] => [
  n('train', /^train (N) \| val/m, tolerance),
  n('val', /^train [\d.]+ \| val (N) \|/m, tolerance),
  n('test', /\| test (N)$/m, tolerance),
];
const params = n('params', /(N) parameters/, 0);

/** Seconds per epoch of a `vision train` run: the elapsed time its last epoch line prints, over its epochs. */
function secondsPerEpoch(output: string): string | undefined {
  const epochs = [...output.matchAll(/^epoch (\d+): .*\(([\d.]+) s\)$/gm)];
  const last = epochs.at(-1);
  return last && (Number(last[2]) / Number(last[1])).toFixed(2);
}

function makemore200k(name: string, flags: string, backend: string, estimate: string): Recipe {
  return {
    name, cost: 'long', estimate,
    commands: [`${backend}npx zerograd makemore train ${flags} --data data/names.txt --steps 200000 --out runs/${name}`,
      `npx zerograd makemore eval --checkpoint runs/${name} --data data/names.txt`],
    measures: evalSplits(0.005),
  };
}

function makemoreCompared(model: string, cost: 'ci' | 'long', estimate: string): Recipe {
  return {
    name: `cmp-${model}`, cost, estimate,
    commands: [`npx zerograd makemore train --model ${model} --data data/names.txt --steps 20000 --out runs/cmp-${model}`],
    measures: [params, ...trainVal(0.002)],
  };
}

function gptTiny(name: string, command: string, estimate: string): Recipe {
  return { name, cost: 'long', estimate, commands: [command], measures: trainVal(0.005) };
}

function digits(model: string, cost: 'ci' | 'long', estimate: string): Recipe {
  return {
    name: `digits-${model}`, cost, estimate, env: { ZEROGRAD_THREADS: '1' },
    commands: [`npx zerograd vision train --model ${model} --out runs/digits-${model}`,
      `/usr/bin/python3 scripts/vision_torch_twin.py runs/digits-${model}`],
    measures: visionMeasures(0.006),
  };
}

function fashion(model: string, flags: string, estimate: string): Recipe {
  return {
    name: `fmnist-${model}`, cost: 'long', estimate, env: { ZEROGRAD_THREADS: '1' },
    commands: [`npx zerograd vision train --model ${model} --data /usr/share/datasets/fashion-mnist${flags} --out runs/fmnist-${model}`,
      `/usr/bin/python3 scripts/vision_torch_twin.py runs/fmnist-${model}`],
    measures: visionMeasures(0.005),
  };
}

function visionMeasures(tolerance: number): Measure[] {
  return [
    n('accuracy', /held-out images\): accuracy (N)/, tolerance, 0),
    { key: 'epochSeconds', read: secondsPerEpoch, tolerance: null, command: 0 },
    n('twinAccuracy', /test accuracy (N)/, tolerance, 1),
    n('twinEpochSeconds', /(N) s per epoch/, null, 1),
  ];
}

const FINETUNES = [['full', ''], ['lora1', ' --lora 1'], ['lora4', ' --lora 4'], ['lora16', ' --lora 16']];

/** The pre-training and the four fine-tunes of it, each reading its own command's output. */
const finetune: Recipe = {
  name: 'finetune', cost: 'long', estimate: "the tiny preset's 5,000 steps, then four fine-tunes of 1,000 steps (22-37 ms/step)",
  commands: ['npx zerograd gpt train --data data/tinyshakespeare.txt --config tiny --out runs/ft-pre',
    ...FINETUNES.map(([name, flags]) => `npx zerograd gpt finetune --checkpoint runs/ft-pre --data data/names.txt --out runs/ft-${name}${flags}`)],
  measures: [
    n('preVal', /step \d+: train loss [\d.]+, val loss (N)/, 0.005, 0),
    ...FINETUNES.flatMap(([name], i): Measure[] => [
      n(`${name}.trainable`, /(N) of \d+ parameters train/, 0, i + 1),
      { key: `${name}.state`, read: /AdamW state (\d+(?:\.\d+)? [KM]iB)/, tolerance: null, command: i + 1 },
      n(`${name}.msPerStep`, /(N) ms per step/, null, i + 1),
      n(`${name}.namesVal`, /new text val loss (N)/, 0.005, i + 1),
      n(`${name}.before`, /val loss (N) before/, 0.005, i + 1),
      n(`${name}.after`, /before, (N) after/, 0.005, i + 1),
    ]),
  ],
};

const lastStep = (tolerance: number): Measure[] => [
  n('train', /step \d+: train loss (N), val loss/, tolerance),
  n('val', /step \d+: train loss [\d.]+, val loss (N)/, tolerance),
];

export const RECIPES: Recipe[] = [
  { name: 'bigram', cost: 'ci', estimate: '1 s', commands: ['npx zerograd makemore train --model bigram --data data/names.txt'],
    measures: [n('nll', /NLL over all items (N)/, 0.0001)] },
  makemore200k('mlp', '--model mlp', 'ZEROGRAD_BACKEND=reference ', 'about 10 minutes'),
  makemore200k('mlp-fixes', '--model mlp --init-fixes', 'ZEROGRAD_BACKEND=reference ', 'about 10 minutes'),
  makemore200k('wavenet', '--model wavenet', '', 'about an hour (the documented run: 45 minutes for 80,000 steps on the reference backend, then 19.5 minutes for 120,000 on WebAssembly)'),

  makemoreCompared('mlp', 'ci', '9 s'),
  makemoreCompared('wavenet', 'long', '45 s'),
  makemoreCompared('rnn', 'long', '72 s'),
  makemoreCompared('gru', 'long', '195 s'),
  makemoreCompared('transformer', 'long', '1,909 s'),

  gptTiny('gpt-tiny', 'npx zerograd gpt train --config tiny --data data/tinyshakespeare.txt --eval-every 500 --eval-iters 200 --out runs/gpt-tiny', '5,000 steps of the tiny preset: minutes'),
  gptTiny('gpt-tiny-constant', 'npx zerograd gpt train --config tiny --data data/tinyshakespeare.txt --lr 1e-3 --schedule constant --eval-every 500 --eval-iters 200', '5,000 steps of the tiny preset: minutes'),
  gptTiny('gpt-tiny-reference', 'ZEROGRAD_BACKEND=reference npx zerograd gpt train --config tiny --data data/tinyshakespeare.txt --lr 1e-3 --eval-every 500 --eval-iters 200', '5,000 steps on the reference backend'),
  gptTiny('gpt-tiny-10k', 'npx zerograd gpt train --config tiny --data data/tinyshakespeare.txt --lr 1e-3 --steps 10000 --eval-every 1000 --eval-iters 200 --out runs/gpt-tiny-10k', '10,000 steps of the tiny preset'),
  { name: 'gpt-small', cost: 'long', estimate: '22.7 minutes',
    commands: ['npx zerograd gpt train --config small --data data/tinyshakespeare.txt --steps 5000 --eval-every 500 --eval-iters 100 --out runs/gpt-small'],
    measures: trainVal(0.005) },
  { name: 'gpt-cpu', cost: 'manual', estimate: 'about 1.5 hours (1.1 s/step on a free core)',
    commands: ['npx zerograd gpt train --config cpu --data data/tinyshakespeare.txt'], measures: trainVal(0.005) },
  { name: 'gpt-seed', cost: 'manual', estimate: 'days on 2 cores (the documented run was stopped after 175 steps)',
    commands: ['npx zerograd gpt train --config seed --batch-size 8 --data data/tinyshakespeare.txt --steps 5000 --eval-every 25 --eval-iters 4 --checkpoint-every 25 --out runs/gpt-seed'],
    measures: trainVal(0.01) },

  { name: 'charrnn', cost: 'long', estimate: 'about 8 minutes (2,000 steps at 2.2k characters/s)', env: { ZEROGRAD_THREADS: '1' },
    commands: ['npx zerograd charrnn train --data data/tinyshakespeare.txt --config small --steps 2000'],
    measures: [params, ...lastStep(0.005), n('speed', /\| ([\d.]+k?) tok\/s/, null)] },
  { name: 'charrnn-twin', cost: 'long', estimate: 'about 5.5 minutes (162 ms/step)',
    commands: ['/usr/bin/python3 scripts/charrnn_torch_twin.py data/tinyshakespeare.txt --steps 2000 --threads 1'],
    measures: [params, n('train', /train loss (N), val loss/, 0.005), n('val', /train loss [\d.]+, val loss (N)/, 0.005), n('msPerStep', /(N) ms\/step/, null)] },
  { name: 'charrnn-gpt', cost: 'long', estimate: 'about 3 minutes (2,000 steps at 6.4k characters/s)', env: { ZEROGRAD_THREADS: '1' },
    commands: ['npx zerograd gpt train --data data/tinyshakespeare.txt --config small --steps 2000'],
    measures: [params, ...lastStep(0.005), n('speed', /\| ([\d.]+k?) tok\/s/, null)] },

  ...(['bag', 'encoder'] as const).map((model): Recipe => ({
    name: `classify-${model}`, cost: 'long', estimate: model === 'bag' ? '1.6 minutes' : '12.1 minutes',
    commands: [model === 'bag' ? 'npx zerograd classify train' : 'npx zerograd classify train --model encoder'],
    measures: [params, n('accuracy', /held-out texts\): accuracy (N)/, 0.005), n('f1', /accuracy [\d.]+ \| macro F1 (N)/, 0.005),
      n('spamPrecision', /^spam\s+(\d+\.\d+)\s+\d+\.\d+/m, 0.01), n('spamRecall', /^spam\s+\d+\.\d+\s+(\d+\.\d+)/m, 0.01)],
  })),

  { name: 'tag', cost: 'long', estimate: '155 s', commands: ['npx zerograd tag corpus --out travel.conll', 'npx zerograd tag train --data travel.conll --out runs/tag'],
    measures: [params,
      n('f1', /held-out sentences\): span F1 (N)/, 0.005), n('precision', /micro: precision (N)/, 0.005), n('recall', /micro: precision [\d.]+, recall (N)/, 0.005),
      n('macro', /span macro average .*F1 (N)/, 0.005), n('tokenAccuracy', /^token accuracy (N)/m, 0.005), n('nonO', /^token accuracy [\d.]+ \| accuracy on non-O tokens (N)/m, 0.005),
      n('tagMacro', /per tag: accuracy [\d.]+ \| macro F1 (N)/, 0.005),
      n('baseF1', /baseline \(most frequent tag per word\): span F1 (N)/, 0.0001), n('baseMacro', /baseline .*\(macro (N)\)/, 0.0001),
      n('baseToken', /baseline .*token accuracy (N)/, 0.0001), n('baseNonO', /baseline .*non-O (N)/, 0.0001)] },

  digits('mlp', 'long', '10 s (not in CI, to keep within its budget: digits-cnn checks the same path)'),
  digits('mlp-logits', 'long', '10 s (not in CI, to keep within its budget: digits-cnn checks the same path)'),
  digits('cnn', 'ci', '5 s'),
  digits('vit', 'long', 'about 2.5 minutes (1.4 s/epoch, and the twin 3.6)'),
  fashion('mlp', '', 'about 3 minutes with its twin'),
  fashion('mlp-logits', '', 'about 3 minutes with its twin'),
  fashion('cnn', ' --epochs 10', 'about 7 minutes with its twin'),
  fashion('vit', '', 'about 37 minutes with its twin (101 and 334 s/epoch)'),

  { name: 'kmeans', cost: 'ci', estimate: '1 s', commands: ['npx zerograd kmeans --out runs/kmeans'], measures: [n('purity', /cluster purity against the true labels: (N)/, 0.001)] },
  { name: 'kmeans-cnn', cost: 'ci', estimate: '4 s',
    commands: ['npx zerograd vision train --model cnn', 'npx zerograd kmeans --checkpoint runs/vision-cnn --out runs/kmeans-cnn'],
    measures: [n('purity', /cluster purity against the true labels: (N)/, 0.005, 1)] },

  finetune,
];

/** The recipe named, or an error listing the names. */
export function recipeNamed(name: string): Recipe {
  const recipe = RECIPES.find((r) => r.name === name);
  if (!recipe) throw new Error(`no results row named '${name}'; the rows are ${RECIPES.map((r) => r.name).join(', ')}`);
  return recipe;
}
