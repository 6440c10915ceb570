/** The marked tables of README.md and docs/results.md, each row's cells written from one recipe's recorded numbers. */
import type { RowRecord, Recipe } from './recipe.js';
import { recipeNamed } from './recipes.js';

/** What a row's cells are written from: a recipe's recorded values and where they came from. */
export class RowView {
  constructor(readonly recipe: Recipe, readonly record: RowRecord | undefined) {}
  /** A recorded value as printed; '?' until the recipe has one. */
  v(key: string): string { return this.record?.values[key] ?? '?'; }
  /** A recorded count with thousands separators (11,897). */
  count(key: string): string { const x = this.v(key); return x === '?' ? x : Number(x).toLocaleString('en-US'); }
  /** Whether `npm run results` measured this row (false: measured by hand before it existed). */
  get recorded(): boolean { return Boolean(this.record?.commit); }
  /** The recipe's commands, each in backticks, joined by ", then". */
  get command(): string { return this.recipe.commands.map((c) => `\`${c}\``).join(', then '); }
  /** Which run gave the numbers: commit, date and time taken, or "by hand" with the time the docs reported. */
  get run(): string {
    const time = this.record?.seconds == null ? '' : duration(this.record.seconds);
    if (!this.recorded) return `by hand${time && `, ${time}`}`;
    return `\`${this.record!.commit}\` ${this.record!.date}, ${time}`;
  }
}

/** Seconds as the tables show them: "9 s", "1,909 s", "22.7 min". */
export function duration(seconds: number): string {
  if (seconds < 1000) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}

export interface TableRow { recipe: string; cells: (row: RowView) => string[] }
export interface Table { file: 'README.md' | 'docs/results.md'; name: string; header: string[]; rows: TableRow[] }

const RUN = 'run (commit, date, time)';
const row = (recipe: string, cells: (r: RowView) => string[]): TableRow => ({ recipe, cells: (r) => [...cells(r), r.run] });

const lecture200k = (label: string, target: string, note = ''): ((r: RowView) => string[]) =>
  (r) => [label, target, `**val ${r.v('val')}** (train ${r.v('train')}, test ${r.v('test')}${note})`, r.command];

const compared = (label: string, optimizer: string) => row(`cmp-${label.split('`')[1]}`,
  (r) => [label, r.count('params'), optimizer, r.v('val'), r.v('train')]);

const gpt = (recipe: string, label: string, bold: boolean) => row(recipe, (r) =>
  [label, 'val ≤ 2.10', bold ? `**val ${r.v('val')}** (train ${r.v('train')})` : `val ${r.v('val')} (train ${r.v('train')})`, `\`${r.recipe.commands[0]}\``]);

const vision = (recipe: string, label: string, target: string) => row(recipe, (r) =>
  [label, target, `**${r.v('accuracy')}**`, r.v('twinAccuracy'), `${r.v('epochSeconds')} / ${r.v('twinEpochSeconds')}`, `\`${r.recipe.commands[0]}\``]);

const finetuneRow = (flags: string, what: string, name: string, lr = '') => row('finetune', (r) =>
  [flags + lr, what, r.count(`${name}.trainable`), r.v(`${name}.state`), r.v(`${name}.msPerStep`), r.v(`${name}.namesVal`), `${r.v(`${name}.before`)} → ${r.v(`${name}.after`)}`]);

const readmeRow = (recipe: string, cells: (r: RowView) => string[]): TableRow =>
  ({ recipe, cells: (r) => [...cells(r), `\`${recipe}\``] });

export const TABLES: Table[] = [
  { file: 'docs/results.md', name: 'makemore', header: ['model', 'target', 'measured', 'command', RUN], rows: [
    row('bigram', (r) => ['bigram counts, +1 smoothing, NLL over all names', '2.45 ± 0.01', `**${r.v('nll')}** (lecture: 2.4544)`, r.command]),
    row('mlp', lecture200k('MLP, emb 10, hidden 200, block 3, 200k steps, lr 0.1 → 0.01 at 100k', 'val ≤ 2.19')),
    row('mlp-fixes', lecture200k('same, with the init fixes (small logits, Kaiming-scaled tanh layer)', 'val ≤ 2.12')),
    row('wavenet', (r) => [...lecture200k('hierarchical (WaveNet-style), block 8, n_embd 24, n_hidden 128, 76,579 params, 200k steps, lr 0.1 → 0.01 at 150k',
      'val ≤ 2.00', '; lecture: 1.769 / 1.993')(r).slice(0, 3), r.recorded ? r.command : `${r.command} (this run: see below)`]),
  ] },
  { file: 'docs/results.md', name: 'makemore-compared', header: ['model', 'parameters', 'optimizer', 'val loss', 'train loss', RUN], rows: [
    compared('`mlp` (lecture 3: block 3, no init fixes)', 'SGD 0.1, 0.01 from step 10,000'),
    compared('`wavenet` (block 8, n_embd 24, n_hidden 128)', 'SGD 0.1, 0.01 from step 15,000'),
    compared('`rnn` (n_embd 64, state 64, block 16)', 'AdamW 5e-4'),
    compared('`gru` (n_embd 64, state 64, block 16)', 'AdamW 5e-4'),
    compared('`transformer` (4 layers, 4 heads, n_embd 64, block 16)', 'AdamW 5e-4'),
  ] },
  { file: 'docs/results.md', name: 'gpt', header: ['model', 'target', 'measured', 'command', RUN], rows: [
    row('gpt-tiny', (r) => ['n_embd 32, 4 heads, 3 blocks, block 8, batch 32, 42,592 params, 5,000 steps, AdamW 2e-3 (warmup 100, cosine to 2e-4): the `tiny` preset',
      'val ≤ 2.10 (lecture 2.06-2.08)', `**val ${r.v('val')}** (train ${r.v('train')})`, r.command]),
    gpt('gpt-tiny-constant', "same, the lecture's constant 1e-3", false),
    gpt('gpt-tiny-reference', 'same, 1e-3 with the cosine to 1e-4 (reference backend)', false),
    gpt('gpt-tiny-10k', 'same, 1e-3 with the cosine, 10,000 steps', false),
    row('gpt-small', (r) => ['CPU-sized: n_embd 64, 4 heads, 4 layers, block 32, batch 16, 210,432 params, 5,000 steps', 'its val loss and wall time',
      `**val ${r.v('val')}** (train ${r.v('train')})${r.recorded ? '' : ' (sharing the 2 cores with another training run)'}`, r.command]),
    row('gpt-cpu', (r) => ['n_embd 128, 4 heads, 4 layers, block 64, batch 32, 818,176 params', "(the issue's example size)",
      r.record ? `val ${r.v('val')} (train ${r.v('train')})` : 'not run: about 1.1 s/step on a free core, so 5,000 steps would take about 1.5 hours', r.command]),
    row('gpt-seed', (r) => ['10.8M: n_embd 384, 6 heads, 6 layers, block 256, dropout 0.2, 10,795,776 params, batch 8', '1.48 (lecture, 5,000 steps at batch 64)',
      r.recorded ? `val ${r.v('val')} (train ${r.v('train')})` : `stopped after **175 steps, val ${r.v('val')}** (train ${r.v('train')}), on an earlier, slower build of the kernels`, r.command]),
  ] },
  { file: 'docs/results.md', name: 'charrnn', header: ['model', 'parameters', 'val loss', 'train loss', 'speed', 'command', RUN], rows: [
    row('charrnn', (r) => ['zerograd char-rnn: embedding 64, LSTM 2 x 120, peak lr 2e-3', r.count('params'), `**${r.v('val')}**`, r.v('train'), `${r.v('speed')} characters/s`, r.command]),
    row('charrnn-twin', (r) => ["its PyTorch twin (`nn.LSTM`, same settings, torch's batches)", r.count('params'), r.v('val'), r.v('train'),
      `${Math.round(Number(r.v('msPerStep')))} ms/step (${(16 * 32 / Number(r.v('msPerStep'))).toFixed(1)}k characters/s)`, r.command]),
    row('charrnn-gpt', (r) => ['zerograd GPT `small`: n_embd 64, 4 heads, 4 layers, peak lr 1e-3', r.count('params'), r.v('val'), r.v('train'), `${r.v('speed')} characters/s`, r.command]),
  ] },
  { file: 'docs/results.md', name: 'classify', header: ['model', 'command', 'params', 'words read', 'test accuracy', 'macro F1', 'spam P / R', RUN], rows: (['bag', 'encoder'] as const).map((m) =>
    row(`classify-${m}`, (r) => [m === 'bag' ? 'bag of embeddings (mean, n_embd 64)' : 'transformer encoder (2 layers, 4 heads, n_embd 64, CLS)', r.command,
      `${(Number(r.v('params')) / 1e6).toFixed(2)}M`, m === 'bag' ? 'first 256' : 'first 63 + CLS', r.v('accuracy'), r.v('f1'),
      `${Number(r.v('spamPrecision')).toFixed(3)} / ${Number(r.v('spamRecall')).toFixed(3)}`])) },
  { file: 'docs/results.md', name: 'tag', header: ['tagger', 'test span F1 (micro)', 'span precision / recall', 'span macro F1', 'token accuracy', 'accuracy on non-O tokens', 'macro F1 over tags', 'printed by', RUN], rows: [
    row('tag', (r) => ['most frequent tag per word (baseline)', r.v('baseF1'), '–', r.v('baseMacro'), r.v('baseToken'), r.v('baseNonO'), '–', '`tag train` (its last line)']),
    row('tag', (r) => [`encoder tagger (2 layers, 4 heads, n_embd 64, ${Math.round(Number(r.v('params')) / 1000)}k params)`, `**${r.v('f1')}**`, `${r.v('precision')} / ${r.v('recall')}`,
      r.v('macro'), r.v('tokenAccuracy'), r.v('nonO'), r.v('tagMacro'), '`tag train`, and `tag eval` identically']),
  ] },
  { file: 'docs/results.md', name: 'digits', header: ['recipe', 'target', 'zerograd test accuracy', 'PyTorch twin', 's/epoch zerograd / PyTorch', 'command', RUN], rows: [
    vision('digits-mlp', 'course MLP (hidden 512, sigmoid outputs into cross-entropy), 38,410 params', '≥ 0.96'),
    vision('digits-mlp-logits', 'same MLP, plain logits', ''),
    vision('digits-cnn', 'LeNet-style CNN (3x3 convolutions), 9,950 params', '≥ 0.97'),
    vision('digits-vit', 'ViT, 4x4 patches, 4 blocks, n_embd 64, 202,186 params', ''),
  ] },
  { file: 'docs/results.md', name: 'fmnist', header: ['recipe', 'target', 'zerograd test accuracy', 'PyTorch twin', 's/epoch zerograd / PyTorch', 'command', RUN], rows: [
    vision('fmnist-mlp', 'course MLP exactly as written (sigmoid outputs into cross-entropy), 5 epochs', 'report it (PyTorch: 0.844)'),
    vision('fmnist-mlp-logits', 'same MLP, plain logits into cross-entropy, 5 epochs', '≥ 0.87'),
    vision('fmnist-cnn', 'LeNet-style CNN (5x5 convolutions, padding 2), 97,982 params, 10 epochs', '≥ 0.90'),
    vision('fmnist-vit', 'ViT, 7x7 patches, 4 blocks, n_embd 64, 205,066 params, 5 epochs', '≥ 0.85'),
  ] },
  { file: 'docs/results.md', name: 'kmeans', header: ['features', 'k', 'cluster purity', 'command', RUN], rows: [
    row('kmeans', (r) => ['raw pixels (64 dims), 10 k-means++ restarts', '10', `**${r.v('purity')}**`, r.command]),
    row('kmeans-cnn', (r) => ["the CNN's 120-unit penultimate layer", '10', `**${r.v('purity')}**`, r.command]),
  ] },
  { file: 'docs/results.md', name: 'finetune', header: ['flags', 'what trains', 'trainable parameters', 'AdamW state', 'ms / step (with evaluations)', 'names val loss', 'Shakespeare val loss', RUN], rows: [
    finetuneRow('(none: full fine-tune, lr 3e-4)', 'every weight', 'full'),
    finetuneRow('`--lora 1`', "A, B on each block's c_attn", 'lora1', ' (lr 1e-3)'),
    finetuneRow('`--lora 4`', "A, B on each block's c_attn", 'lora4'),
    finetuneRow('`--lora 16`', "A, B on each block's c_attn", 'lora16'),
  ] },
  { file: 'README.md', name: 'readme-lectures', header: ['recipe', 'lecture', 'zerograd', 'row'], rows: [
    readmeRow('bigram', (r) => ['bigram counts (NLL over all names)', '2.45', r.v('nll')]),
    readmeRow('mlp', (r) => ['MLP, emb 10 / hidden 200 / block 3', '2.17', r.v('val')]),
    readmeRow('mlp-fixes', (r) => ['+ initialisation fixes', '2.10', r.v('val')]),
    readmeRow('wavenet', (r) => ['hierarchical, block 8, n_embd 24, 76,579 params', '1.99', r.v('val')]),
    readmeRow('gpt-tiny', (r) => ['GPT n_embd 32, 4 heads, 3 blocks, block 8, 5,000 steps (Tiny Shakespeare)', '2.06-2.08', r.v('val')]),
  ] },
  { file: 'README.md', name: 'readme-vision', header: ['recipe', 'target', 'zerograd', 'PyTorch twin', 'row'], rows: [
    readmeRow('digits-mlp', (r) => ["8x8 digits, the course's MLP (hidden 512, sigmoid outputs), 30 epochs", '≥ 0.96', r.v('accuracy'), r.v('twinAccuracy')]),
    readmeRow('digits-cnn', (r) => ['8x8 digits, LeNet-style CNN, 30 epochs', '≥ 0.97', r.v('accuracy'), r.v('twinAccuracy')]),
    readmeRow('fmnist-mlp', (r) => ["Fashion-MNIST, the course's MLP as written, 5 epochs", '(PyTorch 0.844)', r.v('accuracy'), r.v('twinAccuracy')]),
    readmeRow('fmnist-mlp-logits', (r) => ['Fashion-MNIST, the MLP with logits, 5 epochs', '≥ 0.87', r.v('accuracy'), r.v('twinAccuracy')]),
    readmeRow('fmnist-cnn', (r) => ['Fashion-MNIST, LeNet-style CNN, 10 epochs', '≥ 0.90', r.v('accuracy'), r.v('twinAccuracy')]),
    readmeRow('fmnist-vit', (r) => ['Fashion-MNIST, ViT with 7x7 patches (205,066 params), 5 epochs', '≥ 0.85', r.v('accuracy'), r.v('twinAccuracy')]),
  ] },
  { file: 'README.md', name: 'readme-spam', header: ['model', 'test accuracy', 'macro F1', 'row'], rows: [
    readmeRow('classify-bag', (r) => ['bag of embeddings', r.v('accuracy'), r.v('f1')]),
    readmeRow('classify-encoder', (r) => ['transformer encoder', r.v('accuracy'), r.v('f1')]),
  ] },
];

/** Every table's recipes exist (checked when the module loads, so a typo fails at once). */
for (const table of TABLES) for (const r of table.rows) recipeNamed(r.recipe);
