// Lesson 4: activations, gradients and BatchNorm. Prints the lecture's per-layer statistics and writes the plots.
import { makemoreDiagnose } from '../src/cli/diagnose.js';
import { fast, lesson, runsDir } from './common.js';
import { join } from 'node:path';

makemoreDiagnose(['--steps', fast ? '30' : '1000', '--out', join(runsDir, 'diagnostics')], { log: (l) => console.log(l), progress: null });
lesson.done();
