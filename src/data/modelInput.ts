// A picture of any size made into what a digit model reads; no file access, so the playground uses it for drawings.

/** A grey image, pixels in [0, 1] row by row (0 black, 1 white). */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

/**
 * The image as a model input of height x width: resized by averaging the source pixels each target pixel covers
 * (area resampling, which suits shrinking a large drawing), and inverted when the background is light (the
 * digits data sets are bright strokes on a dark ground; a drawing or a scan is usually the opposite).
 */
export function toModelInput(image: GreyImage, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const y0 = (y * image.height) / height;
      const y1 = ((y + 1) * image.height) / height;
      const x0 = (x * image.width) / width;
      const x1 = ((x + 1) * image.width) / width;
      let sum = 0;
      let area = 0;
      for (let sy = Math.floor(y0); sy < Math.ceil(y1); sy++) {
        const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
        for (let sx = Math.floor(x0); sx < Math.ceil(x1); sx++) {
          const wx = Math.min(x1, sx + 1) - Math.max(x0, sx);
          sum += wx * wy * image.pixels[sy * image.width + sx];
          area += wx * wy;
        }
      }
      out[y * width + x] = sum / area;
    }
  }
  const mean = out.reduce((s, v) => s + v, 0) / out.length;
  if (mean > 0.5) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i];
  return out;
}
