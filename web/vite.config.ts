import { defineConfig } from 'vite';

// Cross-origin isolation (COOP + COEP) lets the page use SharedArrayBuffer, which threaded kernels need.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: import.meta.dirname,
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  // Beside dist/, which `npm run build` empties, so rebuilding the library keeps the page.
  // The SpamAssassin corpus is one 34 MB chunk, loaded only when the sentiment recipe runs without a file.
  build: {
    outDir: '../dist-web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 40_000,
    // Three pages: the playground, the practice judge and the WebGPU check and benchmark.
    rollupOptions: {
      input: { main: `${import.meta.dirname}/index.html`, practice: `${import.meta.dirname}/practice.html`, gpu: `${import.meta.dirname}/gpu.html` },
    },
  },
});
