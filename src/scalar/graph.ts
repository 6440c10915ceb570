import type { Value } from './value.js';

/**
 * The expression graph below `root` in Graphviz DOT: one record per value (label | data | grad)
 * and one small node per op, laid out left to right as in the micrograd lecture.
 */
export function toDot(root: Value): string {
  const nodes = root.topologicalOrder();
  const ids = new Map(nodes.map((n, i) => [n, `v${i}`]));
  const lines = ['digraph G {', '  rankdir=LR;'];
  const escape = (s: string) => s.replace(/[{}|<>"\\]/g, (c) => `\\${c}`);
  for (const node of nodes) {
    const id = ids.get(node)!;
    const label = `{ ${escape(node.label)} | data ${node.data.toFixed(4)} | grad ${node.grad.toFixed(4)} }`;
    lines.push(`  ${id} [shape=record, label="${label}"];`);
    if (node.op) {
      lines.push(`  ${id}_op [label="${escape(node.op)}"];`, `  ${id}_op -> ${id};`);
      for (const child of node.children) lines.push(`  ${ids.get(child)} -> ${id}_op;`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}

/** Renders the graph to SVG with Graphviz compiled to WebAssembly: no system binary needed. */
export async function toSvg(root: Value): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  return viz.renderString(toDot(root), { format: 'svg' });
}
