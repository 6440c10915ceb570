import { isContiguousRun } from '../../core/shape.js';

/**
 * Walks every row (last axis) of `shape`, handing the callback each view's element offset at the
 * row's start. Strided kernels use this so their inner loop runs over a single axis with fixed strides.
 */
export function forEachRow(
  shape: readonly number[],
  views: readonly { offset: number; strides: readonly number[] }[],
  visit: (offsets: number[], rowIndex: number) => void,
): void {
  const ndim = shape.length;
  const offsets = views.map((v) => v.offset);
  if (ndim <= 1) {
    visit(offsets, 0);
    return;
  }
  const rows = shape.slice(0, ndim - 1).reduce((p, s) => p * s, 1);
  if (rows === 0) return;
  const counter = new Array<number>(ndim - 1).fill(0);
  for (let row = 0; row < rows; row++) {
    visit(offsets, row);
    // Odometer increment over the leading axes, adjusting every view's offset incrementally.
    for (let axis = ndim - 2; axis >= 0; axis--) {
      counter[axis]++;
      if (counter[axis] < shape[axis]) {
        for (let v = 0; v < views.length; v++) offsets[v] += views[v].strides[axis];
        break;
      }
      counter[axis] = 0;
      for (let v = 0; v < views.length; v++) offsets[v] -= views[v].strides[axis] * (shape[axis] - 1);
    }
  }
}

/** The length of a row (the last axis; 1 for a 0-d shape) and each view's stride along it. */
export function lastAxis(shape: readonly number[], views: readonly { strides: readonly number[] }[]): { cols: number; strides: number[] } {
  const last = shape.length - 1;
  return {
    cols: last >= 0 ? shape[last] : 1,
    strides: views.map((v) => (last >= 0 ? v.strides[last] : 0)),
  };
}

export function isDense(shape: readonly number[], strides: readonly number[], offset: number): boolean {
  return offset === 0 && isContiguousRun(shape, strides);
}
