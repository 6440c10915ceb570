import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { projectRoot } from '../helpers.js';
import { randn } from '../../src/index.js';
import { writeFileAtomic } from '../../src/io/atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { parseWeights } from '../../src/io/weightsFile.js';
import { type Checkpoint, hasCheckpoint, loadCheckpoint, resolveCheckpointDir, saveCheckpoint } from '../../src/io/checkpoint.js';
import { acquireRunLock } from '../../src/io/runLock.js';

const steps = (dir: string) => readdirSync(dir).filter((e) => e.startsWith('step-')).sort();

const checkpointAt = (step: number): Checkpoint => ({
  config: { recipe: 'test', model: { width: 3 } },
  model: new Map([['w', randn([2, 3])]]),
  optimizer: new Map([['exp_avg.0', new Float32Array([step, 1])]]),
  trainer: { step, rng: [1, 2, 3, 4, NaN], losses: [3.3, 2.9] },
});

describe('checkpoints', () => {
  test('save then load returns the same tensors, optimizer state and trainer state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    const original = checkpointAt(7);
    saveCheckpoint(dir, original);
    const loaded = loadCheckpoint(dir);
    assert.deepEqual(loaded.config, original.config);
    assert.deepEqual(loaded.model.get('w')!.toFlatArray(), original.model.get('w')!.toFlatArray());
    assert.deepEqual([...loaded.optimizer.get('exp_avg.0')!], [7, 1]);
    assert.equal(loaded.trainer.step, 7);
    assert.deepEqual(loaded.trainer.rng.slice(0, 4), [1, 2, 3, 4]);
    assert.ok(Number.isNaN(loaded.trainer.rng[4]));
    // The weights file alone carries the config, for tools (the playground) that open only that file.
    const { metadata } = parseSafetensors(readFileSync(join(resolveCheckpointDir(dir), 'model.safetensors')));
    assert.deepEqual(JSON.parse(metadata.zerograd_config), original.config);
    assert.equal(metadata.step, '7');
    const weights = parseWeights(readFileSync(join(resolveCheckpointDir(dir), 'model.safetensors')), 'model.safetensors');
    assert.deepEqual([weights.config, weights.step], [original.config, 7]);
    assert.deepEqual(weights.model.get('w')!.toFlatArray(), original.model.get('w')!.toFlatArray());
    assert.throws(() => parseWeights(serializeSafetensors(original.model), 'other.safetensors'),
      /other\.safetensors: no zerograd_config in its metadata/);
  });

  test("a lone weights file (the playground's download) loads as a checkpoint without optimizer state", () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    const original = checkpointAt(9);
    const file = join(dir, 'names.safetensors');
    writeFileSync(file, readFileSync(join(saveCheckpoint(join(dir, 'run'), original), 'model.safetensors')));
    const loaded = loadCheckpoint(file);
    assert.deepEqual([loaded.config, loaded.trainer.step, loaded.optimizer.size], [original.config, 9, 0]);
    assert.deepEqual(loaded.model.get('w')!.toFlatArray(), original.model.get('w')!.toFlatArray());
    const foreign = join(dir, 'foreign.safetensors');
    writeFileSync(foreign, serializeSafetensors(original.model, { zerograd_config: JSON.stringify({ model: {} }) }));
    assert.throws(() => loadCheckpoint(foreign), /foreign\.safetensors: its zerograd_config has no 'recipe'/);
  });

  test('a newer checkpoint replaces the older one only once it is complete', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    saveCheckpoint(dir, checkpointAt(1), { keep: 1 });
    saveCheckpoint(dir, checkpointAt(2), { keep: 1 });
    assert.deepEqual(readdirSync(dir).filter((e) => e.startsWith('step-')), ['step-00000002']);
    // A crash while writing step 3 leaves a partial directory but latest.json still names step 2.
    const partial = join(dir, 'step-00000003');
    writeFileSync(join(dir, 'junk'), '');
    writeFileAtomic(join(dir, 'step-00000003.tmp'), 'x');
    assert.equal(existsSync(partial), false);
    assert.equal(loadCheckpoint(dir).trainer.step, 2);
    assert.equal(resolveCheckpointDir(dir), join(dir, 'step-00000002'));
    assert.equal(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')).step, 2);
  });

  test('a step directory can be loaded directly; an empty directory is a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    const stepDir = saveCheckpoint(dir, checkpointAt(5));
    assert.equal(loadCheckpoint(stepDir).trainer.step, 5);
    const empty = mkdtempSync(join(tmpdir(), 'zerograd-empty-'));
    assert.equal(hasCheckpoint(empty), false);
    assert.throws(() => loadCheckpoint(empty), /no checkpoint here \(expected a run folder with latest\.json, a step folder with model\.safetensors, or a \.safetensors file/);
  });

  test('the last N checkpoints are kept (2 by default); saving the step latest.json names again never deletes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    for (const step of [1, 2, 3]) saveCheckpoint(dir, checkpointAt(step));
    assert.deepEqual(steps(dir), ['step-00000002', 'step-00000003']);
    saveCheckpoint(dir, checkpointAt(4), { keep: 3 });
    assert.deepEqual(steps(dir), ['step-00000002', 'step-00000003', 'step-00000004']);
    // The same step again (a finished run saved once more) goes to a new directory; the old one stays until it ages out.
    const again = saveCheckpoint(dir, checkpointAt(4));
    assert.equal(again, join(dir, 'step-00000004-r1'));
    assert.deepEqual(steps(dir), ['step-00000004', 'step-00000004-r1']);
    assert.equal(resolveCheckpointDir(dir), again);
    assert.equal(loadCheckpoint(dir).trainer.step, 4);
  });

  test('a missing or corrupt newest checkpoint falls back to the previous one, with a warning', () => {
    for (const damage of ['remove', 'truncate'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
      saveCheckpoint(dir, checkpointAt(1));
      const newest = saveCheckpoint(dir, checkpointAt(2));
      if (damage === 'remove') rmSync(newest, { recursive: true });
      else writeFileSync(join(newest, 'model.safetensors'), 'torn');
      const warnings: string[] = [];
      assert.equal(loadCheckpoint(dir, (w) => warnings.push(w)).trainer.step, 1);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], damage === 'remove' ? /step-00000002: the checkpoint directory is missing; resuming from the previous checkpoint .*step-00000001 \(step 1\)/
        : /step-00000002.model\.safetensors: 4 bytes on disk, \d+ written; the checkpoint is damaged/);
      // With nothing to fall back on, the error names what is wrong.
      const only = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
      rmSync(saveCheckpoint(only, checkpointAt(3)), { recursive: true });
      assert.throws(() => loadCheckpoint(only, () => {}), /step-00000003: the checkpoint directory is missing/);
    }
  });

  test('files a killed write left (*.tmp-PID) are removed at the next save', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    const stepDir = saveCheckpoint(dir, checkpointAt(1));
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max: no such process
    writeFileSync(join(dir, `latest.json.tmp-${dead}`), '{');
    writeFileSync(join(stepDir, `model.safetensors.tmp-${dead}`), 'partial');
    mkdirSync(join(dir, `step-00000002.tmp-${dead}`));
    saveCheckpoint(dir, checkpointAt(2));
    assert.deepEqual(readdirSync(dir).filter((e) => e.includes('.tmp-')), []);
    assert.deepEqual(readdirSync(stepDir).filter((e) => e.includes('.tmp-')), []);
  });

  test('latest.json that is malformed or points outside the run folder is an error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    saveCheckpoint(dir, checkpointAt(1));
    const pointer = join(dir, 'latest.json');
    const cases: [string, RegExp][] = [
      ['', /latest\.json: not a checkpoint pointer \(Unexpected end of JSON input\)/],
      ['{"checkpoint": ', /latest\.json: not a checkpoint pointer/],
      ['{}', /latest\.json: undefined is not a checkpoint directory of this run/],
      ['5', /latest\.json: expected a JSON object .*, got 5/],
      ['null', /latest\.json: expected a JSON object .*, got null/],
      ['{"checkpoint": "../../outside"}', /latest\.json: "\.\.\/\.\.\/outside" is not a checkpoint directory of this run/],
      ['{"checkpoint": "/etc"}', /latest\.json: "\/etc" is not a checkpoint directory of this run/],
      ['{"checkpoint": "step-00000001", "previous": ["../step-00000001"]}', /"\.\.\/step-00000001" is not a checkpoint directory/],
    ];
    for (const [content, message] of cases) {
      writeFileSync(pointer, content);
      assert.throws(() => loadCheckpoint(dir), (error: Error) => message.test(error.message) && error.message.startsWith(pointer), content);
    }
  });

  test('a config without a recipe or model is an error naming config.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    const stepDir = saveCheckpoint(dir, checkpointAt(1));
    // As written by hand, or by a zerograd before checksums.json (which would catch the edit).
    rmSync(join(stepDir, 'checksums.json'));
    writeFileSync(join(stepDir, 'config.json'), '{"recipe": "gpt"}');
    assert.throws(() => loadCheckpoint(stepDir), /config\.json: the config has no 'model'; it does not describe a zerograd model/);
    writeFileSync(join(stepDir, 'config.json'), '[1]');
    assert.throws(() => loadCheckpoint(stepDir), /config\.json: expected a JSON object/);
  });

  test('a run folder is locked: a second run is refused, a stale lock taken over with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-lock-'));
    writeFileSync(join(dir, 'lock'), `${process.ppid}\n`);
    assert.throws(() => acquireRunLock(dir), new RegExp(`another run \\(process ${process.ppid}\\) is training into this folder`));
    writeFileSync(join(dir, 'lock'), `${2 ** 22 + 12345}\n`);
    const warnings: string[] = [];
    const release = acquireRunLock(dir, (w) => warnings.push(w));
    assert.match(warnings[0], /taking over a stale lock left by process 4206649/);
    assert.equal(readFileSync(join(dir, 'lock'), 'utf8'), `${process.pid}\n${hostname()}\n`);
    release();
    assert.equal(existsSync(join(dir, 'lock')), false);
    // A process id says nothing about another machine's processes (containers sharing a volume): refused.
    writeFileSync(join(dir, 'lock'), `${process.pid}\nanother-machine\n`);
    assert.throws(() => acquireRunLock(dir), /a run on another-machine \(process \d+\) holds this folder/);
  });

  test('of several processes racing for a stale lock, exactly one takes it, every time', async () => {
    const runLock = pathToFileURL(join(projectRoot(), 'dist', 'src', 'io', 'runLock.js')).href;
    // Each contender says whether it got the lock; a winner holds it until every contender has spoken (the test then
    // writes `release`), so a late starter cannot take a lock that was fairly released.
    const contender = `import { existsSync } from 'node:fs';
      import { acquireRunLock } from ${JSON.stringify(runLock)};
      const dir = process.argv[1];
      try { acquireRunLock(dir, () => {}); console.log('got'); }
      catch (error) { if (!/another run/.test(error.message)) throw error; console.log('refused'); process.exit(0); }
      for (let i = 0; i < 2000 && !existsSync(dir + '/release'); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);`;
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    for (let trial = 0; trial < 8; trial++) {
      const dir = mkdtempSync(join(tmpdir(), 'zerograd-race-'));
      writeFileSync(join(dir, 'lock'), `${dead}\n`);
      const said: string[] = [];
      const exits = Array.from({ length: 4 }, () => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', contender, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout.setEncoding('utf8').on('data', (c: string) => said.push(c.trim()));
        return once(child, 'exit');
      });
      for (const start = Date.now(); said.length < 4 && Date.now() - start < 30_000;) await new Promise((r) => setTimeout(r, 10));
      writeFileSync(join(dir, 'release'), '');
      for (const [code] of await Promise.all(exits)) assert.equal(code, 0);
      assert.equal(said.filter((o) => o === 'got').length, 1, `trial ${trial}: ${said.join(', ')}`);
    }
  });

  test('a damaged newest checkpoint (a short write, a changed byte) is caught by its checksums, and the previous one loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    saveCheckpoint(dir, checkpointAt(1));
    const newest = saveCheckpoint(dir, checkpointAt(2));
    const file = join(newest, 'optimizer.safetensors');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 4));
    const warnings: string[] = [];
    assert.equal(loadCheckpoint(dir, (w) => warnings.push(w)).trainer.step, 1);
    assert.match(warnings[0], new RegExp(`${file}: ${bytes.length - 4} bytes on disk, ${bytes.length} written`));
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
    assert.throws(() => loadCheckpoint(newest), /optimizer\.safetensors: its SHA-256 differs/);
  });

  test('checksums.json may name only the checkpoint\'s own files (../../dev/zero would be read forever)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    const stepDir = saveCheckpoint(dir, checkpointAt(1));
    writeFileSync(join(stepDir, 'checksums.json'), JSON.stringify({ '../../../../dev/zero': { bytes: 0, sha256: '' } }));
    assert.throws(() => loadCheckpoint(stepDir), /checksums\.json: "\.\.\/\.\.\/\.\.\/\.\.\/dev\/zero" is not a file of a checkpoint/);
    writeFileSync(join(stepDir, 'checksums.json'), 'null');
    assert.throws(() => loadCheckpoint(stepDir), /checksums\.json: expected a JSON object of files/);
  });

  test('saving removes only the run\'s own older checkpoints, never a step folder latest.json did not name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    mkdirSync(join(dir, 'step-00000099'));
    writeFileSync(join(dir, 'step-00000099', 'notes.txt'), 'mine');
    for (const step of [1, 2, 3]) saveCheckpoint(dir, checkpointAt(step), { keep: 1 });
    assert.deepEqual(steps(dir), ['step-00000003', 'step-00000099']);
  });

  test('a run folder that cannot be made is an error naming it, at once (Node\'s recursive mkdir loops forever under /proc)', { skip: !existsSync('/proc/self') }, () => {
    assert.throws(() => acquireRunLock('/proc/zz/run'), /^Error: \/proc\/zz\/run: cannot create this folder \(ENOENT/);
  });

  test('writeFileAtomic leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-atomic-'));
    writeFileAtomic(join(dir, 'a.txt'), 'hello');
    assert.deepEqual(readdirSync(dir), ['a.txt']);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'hello');
  });
});
