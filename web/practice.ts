// The practice page: a problem's statement beside an editor; "run tests" sends the code to a worker that judges it,
// and the page ends the worker if it runs too long. Code and progress are kept in localStorage.
import { javascript } from '@codemirror/lang-javascript';
import { EditorView, basicSetup } from 'codemirror';
import type { CaseResult } from '../src/lessons/practice/problem.js';
import { PROBLEMS, SOLUTION_FILES } from '../src/lessons/practice/problems.js';
import { asLearnerFile, starterText } from '../src/lessons/practice/starter.js';
import type { RunReply, RunRequest } from './practiceProtocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const select = $<HTMLSelectElement>('problem');
const runButton = $<HTMLButtonElement>('run');
const solutionButton = $<HTMLButtonElement>('solution');

const SOLUTIONS = import.meta.glob('../src/lessons/solutions/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
/** Milliseconds a run may take before the worker is ended (?timeout=MS overrides, for the tests). */
const TIMEOUT_MS = Number(new URLSearchParams(location.search).get('timeout') ?? 10_000);
const STORE = 'zerograd-practice';

interface Saved { code?: string; status?: 'failing' | 'passed'; attempts?: number }
const load = (): Record<string, Saved> => JSON.parse(localStorage.getItem(STORE) ?? '{}') as Record<string, Saved>;
const save = (id: number, update: Saved) => localStorage.setItem(STORE, JSON.stringify({ ...load(), [id]: { ...load()[id], ...update } }));

let current = PROBLEMS[0];
const editor = new EditorView({
  parent: $('editor'),
  extensions: [basicSetup, javascript({ typescript: true }), EditorView.lineWrapping, EditorView.updateListener.of((u) => { if (u.docChanged) save(current.id, { code: code() }); })],
});
const code = () => editor.state.doc.toString();
const setCode = (text: string) => editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });

function fillSelect(): void {
  const saved = load();
  select.innerHTML = PROBLEMS.map((p) => `<option value="${p.id}">${p.id}. ${p.title} (${saved[p.id]?.status ?? 'not started'})</option>`).join('');
  select.value = String(current.id);
}

function show(id: number): void {
  current = PROBLEMS.find((p) => p.id === id) ?? PROBLEMS[0];
  fillSelect();
  $('title').textContent = `Problem ${current.id}: ${current.title}`;
  $('statement').textContent = current.statement;
  setCode(load()[current.id]?.code ?? starterText(current));
  solutionButton.disabled = !(load()[current.id]?.attempts);
  $('results').innerHTML = '';
  $('summary').textContent = '';
  $('summary').className = '';
  $('solution-text')?.remove();
  if (location.hash !== `#${current.id}`) history.replaceState(null, '', `#${current.id}`);
}

const escape = (text: string) => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

function showResults(results: CaseResult[]): void {
  $('results').innerHTML = results.map((r) => `<li class="${r.passed ? 'passed' : 'failed'}"><strong>${escape(r.name)}</strong>: ${escape(r.input)}${r.passed ? ''
    : `<div class="detail">expected ${escape(r.expected)}\ngot      ${escape(r.got)}</div>${r.hint ? `<div class="hint">hint: ${escape(r.hint)}</div>` : ''}`}</li>`).join('');
  const passed = results.filter((r) => r.passed).length;
  const all = passed === results.length;
  $('summary').textContent = all ? `all ${passed} cases passed` : `${passed} of ${results.length} cases passed`;
  $('summary').className = all ? 'passed' : 'failed';
  record(all ? 'passed' : 'failing');
}

function showError(message: string): void {
  $('results').innerHTML = '';
  $('summary').textContent = message;
  $('summary').className = 'failed';
  record('failing');
}

function record(outcome: 'passed' | 'failing'): void {
  save(current.id, { status: outcome, attempts: (load()[current.id]?.attempts ?? 0) + 1 });
  solutionButton.disabled = false;
  fillSelect();
}

let worker: Worker;
let timer: ReturnType<typeof setTimeout> | undefined;

function startWorker(): void {
  worker = new Worker(new URL('./practiceWorker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<RunReply>) => {
    const reply = event.data;
    if (reply.type === 'ready') {
      status.textContent = 'ready: your code runs in a Web Worker on zerograd';
      runButton.disabled = false;
      return;
    }
    clearTimeout(timer);
    runButton.disabled = false;
    status.textContent = 'ready';
    if (reply.type === 'results') showResults(reply.results);
    else showError(reply.message);
  };
}

runButton.addEventListener('click', () => {
  runButton.disabled = true;
  status.textContent = 'running the tests…';
  $('results').innerHTML = '';
  $('summary').textContent = '';
  const request: RunRequest = { id: current.id, source: code() };
  worker.postMessage(request);
  timer = setTimeout(() => {
    // A runaway loop never yields, so the worker is ended and a fresh one started; nothing else is lost.
    worker.terminate();
    showError(`stopped after ${TIMEOUT_MS / 1000} s: does a loop never end?`);
    status.textContent = 'restarting the worker…';
    startWorker();
  }, TIMEOUT_MS);
});

$('reset').addEventListener('click', () => setCode(starterText(current)));
solutionButton.addEventListener('click', () => {
  if ($('solution-text')) return;
  const pre = document.createElement('pre');
  pre.id = 'solution-text';
  pre.textContent = asLearnerFile(SOLUTIONS[`../src/lessons/solutions/${SOLUTION_FILES[current.id]}`]);
  $('editor-panel').append(pre);
});
select.addEventListener('change', () => show(Number(select.value)));
window.addEventListener('hashchange', () => show(Number(location.hash.slice(1))));

runButton.disabled = true;
show(Number(location.hash.slice(1)) || 1);
startWorker();
