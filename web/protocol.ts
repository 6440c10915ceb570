import type { LabelledPoint } from '../src/viz/scatter.js';

/** What the playground can train; each maps to a session in sessions.ts (micrograd runs on the page itself). */
export type RecipeName = 'names-mlp' | 'names-wavenet' | 'gpt-tiny' | 'gpt-small' | 'sentiment';

export type ToWorker =
  | { type: 'start'; recipe: RecipeName; text?: string; fileName?: string; steps: number }
  | { type: 'stop' }
  | { type: 'attention'; prompt: string; layer: number }
  | { type: 'save' }
  | { type: 'load'; bytes: ArrayBuffer; fileName: string };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'started'; description: string; /** The attention panel's default prompt, from the model's own text. */ prompt?: string }
  | { type: 'progress'; step: number; steps: number; loss: number; stepsPerSecond: number }
  | { type: 'samples'; title: string; lines: string[] }
  | { type: 'embedding'; title: string; points: LabelledPoint[] }
  | { type: 'attention'; tokens: string[]; weights: number[][][]; layers: number }
  | { type: 'checkpoint'; bytes: ArrayBuffer; fileName: string }
  | { type: 'done'; step: number }
  | { type: 'error'; message: string };
