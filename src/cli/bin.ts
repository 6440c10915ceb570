#!/usr/bin/env node
import { isTrainingCommand, main } from './main.js';
import { becomeSupervisedChild, superviseTraining } from './supervise.js';

const argv = process.argv.slice(2);
process.exitCode = !becomeSupervisedChild() && isTrainingCommand(argv) ? await superviseTraining(argv) : await main(argv);
