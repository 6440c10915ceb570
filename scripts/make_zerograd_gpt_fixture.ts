// Writes test/fixtures/zerograd_gpt.safetensors: a small GPT saved by zerograd, which
// scripts/make_torch_gpt_fixture.py loads into PyTorch. Run: npm run build && node dist/scripts/make_zerograd_gpt_fixture.js
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeSafetensors } from '../src/io/safetensors.js';
import { zerogradFixtureModel } from '../test/models/gptFixtureModel.js';
import { projectRoot } from '../test/helpers.js';

const path = join(projectRoot(), 'test', 'fixtures', 'zerograd_gpt.safetensors');
writeFileSync(path, serializeSafetensors(zerogradFixtureModel().stateDict()));
console.log(`wrote ${path}`);
