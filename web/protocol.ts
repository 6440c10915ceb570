import type { Picture } from '../src/models/vision/inspect.js';
import type { LabelledPoint } from '../src/viz/scatter.js';

/** What the playground can train; each maps to a session in sessions.ts (micrograd runs on the page itself). */
export type RecipeName = 'names-mlp' | 'names-wavenet' | 'gpt-tiny' | 'gpt-small' | 'gpt-lecture' | 'sentiment' | 'digits-mlp' | 'digits-cnn' | 'digits-vit';

/** What an image model shows of one input: groups of small pictures (filters, feature maps, attention). */
export interface Inspection {
  title: string;
  pictures: Picture[];
}

export type ToWorker =
  | { type: 'start'; recipe: RecipeName; text?: string; fileName?: string; steps: number }
  | { type: 'stop' }
  | { type: 'attention'; prompt: string; layer: number }
  | { type: 'save' }
  | { type: 'load'; bytes: ArrayBuffer; fileName: string }
  | { type: 'classify'; pixels: number[] }
  /** The first message: which engines the worker may use ('wasm' keeps the GPU out). */
  | { type: 'configure'; backend: 'auto' | 'wasm' }
  /** Destroys the GPU device, as a driver reset would, to show the fall-back to WebAssembly. */
  | { type: 'lose-gpu' };

export type FromWorker =
  | { type: 'ready'; backend: string }
  /** What trains now, and why it changed when the GPU failed. */
  | { type: 'engine'; engine: string; note?: string }
  | { type: 'started'; description: string; /** The attention panel's default prompt, from the model's own text. */ prompt?: string;
    /** An image model's input height and width, which the drawing is resized to. */ input?: [number, number] }
  | { type: 'classified'; probabilities: number[]; inspection: Inspection[] }
  | { type: 'progress'; step: number; steps: number; loss: number; stepsPerSecond: number;
    /** A language model's batch and context length, shown with the time left. */ shape?: { batch: number; block: number } }
  | { type: 'samples'; title: string; lines: string[] }
  | { type: 'embedding'; title: string; points: LabelledPoint[] }
  | { type: 'attention'; tokens: string[]; weights: number[][][]; layers: number }
  | { type: 'checkpoint'; bytes: ArrayBuffer; fileName: string }
  | { type: 'done'; step: number }
  | { type: 'error'; message: string };
