// Writes test/fixtures/zerograd_gpt.safetensors: a small GPT saved by zerograd in nanoGPT's layout, which
// scripts/make_torch_gpt_fixture.py loads into nanoGPT's own model.py with strict=True.
// Run: npm run build && node dist/scripts/make_zerograd_gpt_fixture.js
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toNanoGPTStateDict } from '../src/models/gpt/nanogptLayout.js';
import { serializeSafetensors } from '../src/io/safetensors.js';
import { zerogradFixtureModel } from '../test/models/gptFixtureModel.js';
import { projectRoot } from '../test/helpers.js';

const path = join(projectRoot(), 'test', 'fixtures', 'zerograd_gpt.safetensors');
writeFileSync(path, serializeSafetensors(toNanoGPTStateDict(zerogradFixtureModel())));
console.log(`wrote ${path}`);
