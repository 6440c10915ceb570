// The page: controls, charts and the messages to and from the training worker.
import { toModelInput } from '../src/data/modelInput.js';
import { attentionHeatmap } from '../src/viz/heatmap.js';
import { imageGrid } from '../src/viz/imageGrid.js';
import { lineChart, windowMeans } from '../src/viz/lineChart.js';
import { labelledScatter } from '../src/viz/scatter.js';
import { neuronGraph, trainTinyMlp } from './micrograd.js';
import type { FromWorker, RecipeName, ToWorker } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** The engine that trains now, for the time left on the progress line. */
let engineName = 'WebAssembly';
/** Seconds as h:mm:ss (or m:ss), for the time left. */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return `${h ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(r).padStart(2, '0')}`;
}
const status = $('status');
const recipe = $<HTMLSelectElement>('recipe');
const dataInput = $<HTMLInputElement>('data');
const stepsInput = $<HTMLInputElement>('steps');
const trainButton = $<HTMLButtonElement>('train');
const stopButton = $<HTMLButtonElement>('stop');
const saveButton = $<HTMLButtonElement>('save');
const attentionButton = $<HTMLButtonElement>('show-attention');
const layerSelect = $<HTMLSelectElement>('layer');

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
// Without the COOP and COEP headers there is no SharedArrayBuffer, so the kernels quietly get one thread: say why.
$('isolation-note').hidden = crossOriginIsolated;
send({ type: 'configure', backend: new URLSearchParams(location.search).get('backend') === 'wasm' ? 'wasm' : 'auto' });
// From the console (or a test): what a driver reset does to the GPU, to watch training move to WebAssembly.
(globalThis as unknown as { zerograd: object }).zerograd = { loseGPU: () => send({ type: 'lose-gpu' }) };

let losses: number[] = [];
let lastChart = 0;

function drawLoss(force = false): void {
  if (!force && performance.now() - lastChart < 300) return;
  lastChart = performance.now();
  const window = Math.max(1, Math.floor(losses.length / 200));
  $('loss').innerHTML = lineChart([{ name: window > 1 ? `mean of ${window} steps` : 'loss', points: windowMeans(losses, window) }],
    { title: 'training loss', xLabel: 'step', yLabel: 'loss' });
  $('loss').dataset.steps = String(losses.length);
  $('loss').dataset.first = String(losses[0] ?? '');
  $('loss').dataset.last = String(mean(losses.slice(-Math.min(20, losses.length))));
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

function setRunning(running: boolean): void {
  trainButton.disabled = running;
  stopButton.disabled = !running;
  recipe.disabled = running;
}

function showError(message: string): void {
  status.textContent = message;
  status.className = 'error';
  setRunning(false);
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready':
      status.textContent = `ready: ${m.backend} in a Web Worker${crossOriginIsolated ? ', cross-origin isolated' : ''}`;
      trainButton.disabled = false;
      break;
    case 'engine':
      engineName = m.engine.startsWith('WebGPU') ? 'WebGPU' : 'WebAssembly';
      $('engine').textContent = `trains on ${m.engine}`;
      $('engine').dataset.engine = m.engine.startsWith('WebGPU') ? 'webgpu' : 'wasm';
      if (m.note) $('engine-note').textContent = m.note;
      break;
    case 'started':
      $('description').textContent = m.description;
      modelInput = m.input ?? null;
      if (m.prompt !== undefined) $<HTMLInputElement>('prompt').value = m.prompt;
      saveButton.disabled = false;
      break;
    case 'progress':
      losses.push(m.loss);
      $('progress').textContent = `step ${m.step}/${m.steps} | loss ${m.loss.toFixed(4)} | ${m.stepsPerSecond.toFixed(1)} steps/s${m.shape ? ` | batch ${m.shape.batch}, block ${m.shape.block} | ETA ${duration((m.steps - m.step) / m.stepsPerSecond)} on ${engineName}` : ''}`;
      drawLoss();
      break;
    case 'samples':
      $('samples-title').textContent = m.title;
      $('samples').textContent = m.lines.join('\n');
      break;
    case 'embedding':
      $('embedding-title').textContent = m.title;
      $('embedding').innerHTML = labelledScatter(m.points, { size: 420 });
      break;
    case 'attention':
      layerSelect.innerHTML = Array.from({ length: m.layers }, (_, i) => `<option value="${i}"${i === Number(layerSelect.value) ? ' selected' : ''}>layer ${i}</option>`).join('');
      $('attention').innerHTML = `<div class="heads">${m.weights.map((head, h) => attentionHeatmap(m.tokens, head, { title: `head ${h}` })).join('')}</div>`;
      break;
    case 'checkpoint': {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([m.bytes], { type: 'application/octet-stream' }));
      link.download = m.fileName;
      link.click();
      break;
    }
    case 'done':
      drawLoss(true);
      setRunning(false);
      attentionButton.disabled = !String(recipe.value).startsWith('gpt');
      status.textContent = `done at step ${m.step}`;
      status.className = '';
      break;
    case 'classified': {
      const best = m.probabilities.indexOf(Math.max(...m.probabilities));
      $('bars').innerHTML = m.probabilities.map((p, d) => `<span>${d}</span><div><div class="bar" style="width: ${(100 * p).toFixed(1)}%"></div></div><em>${p.toFixed(2)}</em>`).join('');
      const prediction = $('digit-prediction');
      prediction.textContent = `predicted: ${best} (${(100 * m.probabilities[best]).toFixed(0)}%)`;
      prediction.dataset.digit = String(best);
      prediction.dataset.drawings = String(++classified);
      $('inspect').innerHTML = m.inspection.map(({ title, pictures }) => imageGrid(pictures.map((p) => p.pixels), pictures[0].height, pictures[0].width,
        { captions: pictures.map((p) => p.caption), title, cell: Math.max(4, Math.floor(48 / pictures[0].width)), columns: 6 })).join('');
      break;
    }
    case 'error':
      showError(m.message);
      break;
  }
};

async function trainMicrograd(steps: number): Promise<void> {
  setRunning(true);
  $('description').textContent = 'micrograd: MLP(3, [4, 4, 1]) on four points, on scalar Values';
  const predictions = trainTinyMlp(Math.min(steps, 500), (step, loss) => {
    losses.push(loss);
    $('progress').textContent = `step ${step} | loss ${loss.toFixed(6)}`;
  });
  drawLoss(true);
  $('samples-title').textContent = 'predictions';
  $('samples').textContent = predictions.join('\n');
  $('embedding-title').textContent = 'embedding';
  $('embedding').innerHTML = '<p class="placeholder">micrograd\'s MLP reads three numbers: it has no embedding to plot</p>';
  setRunning(false);
}

trainButton.onclick = async () => {
  losses = [];
  status.className = '';
  const steps = Math.max(1, Number(stepsInput.value) || 1);
  const name = recipe.value as RecipeName | 'micrograd';
  if (name === 'micrograd') return trainMicrograd(steps);
  const file = dataInput.files?.[0];
  setRunning(true);
  status.textContent = `training ${name}…`;
  send({ type: 'start', recipe: name, steps, text: file ? await file.text() : undefined, fileName: file?.name });
};
stopButton.onclick = () => send({ type: 'stop' });
saveButton.onclick = () => send({ type: 'save' });
attentionButton.onclick = () => send({ type: 'attention', prompt: $<HTMLInputElement>('prompt').value, layer: Number(layerSelect.value) });
$<HTMLInputElement>('open').onchange = async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bytes = await file.arrayBuffer();
  losses = [];
  send({ type: 'load', bytes, fileName: file.name }, [bytes]);
};
worker.onerror = (event) => showError(`worker: ${event.message}`);

// The drawing pad: strokes on a white canvas, resized to the model's input (and inverted, as the digits are light on
// dark) when the pointer lifts; the worker answers with each digit's probability.
const canvas = $<HTMLCanvasElement>('canvas');
const pen = canvas.getContext('2d', { willReadFrequently: true })!;
let modelInput: [number, number] | null = null;
let classified = 0;
let drawing = false;

function clearCanvas(): void {
  pen.fillStyle = '#fff';
  pen.fillRect(0, 0, canvas.width, canvas.height);
  canvas.dataset.input = '';
}
clearCanvas();
const at = (event: PointerEvent): [number, number] => {
  const box = canvas.getBoundingClientRect();
  return [((event.clientX - box.left) * canvas.width) / box.width, ((event.clientY - box.top) * canvas.height) / box.height];
};
canvas.onpointerdown = (event) => {
  drawing = true;
  canvas.setPointerCapture(event.pointerId);
  Object.assign(pen, { strokeStyle: '#000', lineWidth: canvas.width / 8, lineCap: 'round', lineJoin: 'round' });
  pen.beginPath();
  pen.moveTo(...at(event));
};
canvas.onpointermove = (event) => {
  if (!drawing) return;
  pen.lineTo(...at(event));
  pen.stroke();
};
canvas.onpointerup = () => {
  if (!drawing) return;
  drawing = false;
  if (!modelInput) return showError('draw after training or opening a digits model');
  const { data } = pen.getImageData(0, 0, canvas.width, canvas.height);
  const grey = Float32Array.from({ length: canvas.width * canvas.height }, (_, i) => (data[4 * i] + data[4 * i + 1] + data[4 * i + 2]) / (3 * 255));
  const pixels = toModelInput({ width: canvas.width, height: canvas.height, pixels: grey }, ...modelInput);
  // Rounded, and kept on the canvas, so a test can classify exactly what the page classified.
  const rounded = Array.from(pixels, (v) => Math.round(v * 1e4) / 1e4);
  canvas.dataset.input = JSON.stringify(rounded);
  send({ type: 'classify', pixels: rounded });
};
$('clear').onclick = clearCanvas;

neuronGraph().then((svg) => { $('graph').innerHTML = svg; }, (error: Error) => { $('graph').textContent = error.message; });
