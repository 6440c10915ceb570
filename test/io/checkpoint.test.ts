import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { randn } from '../../src/index.js';
import { writeFileAtomic } from '../../src/io/atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { parseWeights } from '../../src/io/weightsFile.js';
import { type Checkpoint, hasCheckpoint, loadCheckpoint, resolveCheckpointDir, saveCheckpoint } from '../../src/io/checkpoint.js';

const checkpointAt = (step: number): Checkpoint => ({
  config: { recipe: 'test', width: 3 },
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

  test('a newer checkpoint replaces the older one only once it is complete', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-ckpt-'));
    saveCheckpoint(dir, checkpointAt(1));
    saveCheckpoint(dir, checkpointAt(2));
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
    assert.throws(() => loadCheckpoint(empty), /no checkpoint here \(expected latest\.json or model\.safetensors\)/);
  });

  test('writeFileAtomic leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-atomic-'));
    writeFileAtomic(join(dir, 'a.txt'), 'hello');
    assert.deepEqual(readdirSync(dir), ['a.txt']);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'hello');
  });
});
