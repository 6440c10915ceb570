import { type DType, allocStorage, hostStorage } from '../core/dtype.js';
import { BFloat16Storage, HalfStorage } from '../core/halfFloat.js';
import { numel } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Element types read from safetensors files; I64 (PyTorch's index type) narrows to int32 on load. */
const ITEM_SIZE = { F32: 4, F64: 8, I32: 4, F16: 2, BF16: 2, I64: 8 } as const;
type FileDType = keyof typeof ITEM_SIZE;
const WRITE_DTYPE: Record<DType, FileDType> = { float32: 'F32', float64: 'F64', int32: 'I32', float16: 'F16', bfloat16: 'BF16' };
const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsContent {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** The safetensors layout: u64 header size, JSON header (8-byte aligned), then the raw little-endian data. */
export function serializeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const entries = [...tensors].map(([name, t]) => {
    const data = hostStorage(t.storedData());
    const begin = offset;
    offset += data.byteLength;
    header[name] = { dtype: WRITE_DTYPE[t.dtype], shape: t.shape, data_offsets: [begin, offset] };
    return { data, begin };
  });
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  for (const { data, begin } of entries) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 8 + headerBytes.length + begin);
  return out;
}

/**
 * Parses and validates a safetensors file: the header must be JSON whose entries have a known dtype, a
 * valid shape, and byte ranges that match that shape and tile the data section exactly. Anything
 * else is rejected with an error naming `source` and the entry at fault.
 */
export function parseSafetensors(bytes: Uint8Array | ArrayBuffer, source = 'safetensors data'): SafetensorsContent {
  const fail = (message: string): never => {
    throw new Error(`${source}: invalid safetensors file: ${message}`);
  };
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`parseSafetensors: expected the file's bytes as a Uint8Array (or ArrayBuffer), got ${bytes === null ? 'null' : typeof bytes}`);
  }
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    fail(`header length ${headerLength} exceeds the file size ${bytes.length}`);
  }
  let header: Record<string, unknown> = {};
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    header = JSON.parse(text);
  } catch (error) {
    fail(`header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  // JSON.parse keeps the last of repeated keys silently; two entries for one tensor name is a corrupt file.
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key)) fail(`the header names '${key}' twice`);
    seen.add(key);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const { __metadata__: rawMetadata = {}, ...entries } = header;
  const metadata = parseMetadata(rawMetadata, fail);

  // Every entry is checked, and the ranges against each other, before any is copied: 3,000 entries that each
  // claim the whole data section would otherwise be copied 3,000 times before their overlap is noticed.
  const checked: { name: string; dtype: FileDType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in ITEM_SIZE)) fail(`tensor '${name}' has unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(ITEM_SIZE).join(', ')})`);
    if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const itemSize = ITEM_SIZE[dtype as FileDType];
    const expectedBytes = numel(shape as number[]) * itemSize;
    if (end < begin || end > dataLength) fail(`tensor '${name}' has data_offsets [${begin}, ${end}] outside the ${dataLength}-byte data section`);
    if (end - begin !== expectedBytes) fail(`tensor '${name}' of shape [${shape}] and dtype ${dtype} needs ${expectedBytes} bytes, its offsets span ${end - begin}`);
    checked.push({ name, dtype: dtype as FileDType, shape: shape as number[], begin, end });
  }
  const byOffset = [...checked].sort((x, y) => x.begin - y.begin);
  let expectedStart = 0;
  for (const { begin, end, name } of byOffset) {
    if (begin !== expectedStart) fail(`tensor '${name}' starts at byte ${begin}, expected ${expectedStart} (overlapping or gapped data)`);
    expectedStart = end;
  }
  if (expectedStart !== dataLength) fail(`the tensors cover ${expectedStart} bytes of a ${dataLength}-byte data section`);
  const tensors = new Map<string, Tensor>();
  for (const { name, dtype, shape, begin, end } of checked) {
    tensors.set(name, decodeTensor(bytes.subarray(dataStart + begin, dataStart + end), dtype, shape, name, fail));
  }
  return { tensors, metadata };
}

/** The keys of a JSON object's top level, in order, repeats included (the text is known to be valid JSON). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (depth === 1) {
        let next = end + 1;
        while (/\s/.test(text[next])) next++;
        if (text[next] === ':') keys.push(JSON.parse(text.slice(i, end + 1)) as string);
      }
      i = end;
    }
  }
  return keys;
}

function parseMetadata(raw: unknown, fail: (message: string) => never): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ must be an object of strings');
  const entries = Object.entries(raw as Record<string, unknown>);
  for (const [key, value] of entries) if (typeof value !== 'string') fail(`__metadata__ entry '${key}' is not a string`);
  return Object.fromEntries(entries) as Record<string, string>;
}

function decodeTensor(raw: Uint8Array, dtype: FileDType, shape: number[], name: string, fail: (message: string) => never): Tensor {
  // Copy into a fresh aligned buffer: offsets inside the file need not be multiples of the element
  // size, and a Node Buffer's slice() would still share the (pooled) underlying memory.
  const aligned = new Uint8Array(raw).buffer;
  const n = numel(shape);
  const view = new DataView(aligned);
  switch (dtype) {
    case 'F32': return Tensor.fromStorage(new Float32Array(aligned), shape);
    case 'F64': return Tensor.fromStorage(new Float64Array(aligned), shape);
    case 'I32': return Tensor.fromStorage(new Int32Array(aligned), shape);
    case 'I64': {
      const out = allocStorage('int32', n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) fail(`tensor '${name}' element ${i} (${v}) does not fit in int32`);
        out[i] = Number(v);
      }
      return Tensor.fromStorage(out, shape);
    }
    case 'F16': return Tensor.fromStorage(new HalfStorage(aligned), shape);
    case 'BF16': return Tensor.fromStorage(new BFloat16Storage(aligned), shape);
  }
}
