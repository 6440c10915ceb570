// Lesson 12: K-means. Cluster the digits without their labels, first on raw pixels, then on what a trained CNN
// has learned to see (its penultimate layer); purity measures how well each cluster matches one digit.
import { noGrad, tensor } from '../src/index.js';
import { KMeans, clusterPurity } from '../src/models/cluster/kmeans.js';
import { LeNet } from '../src/models/vision/cnn.js';
import { startVisionRun, trainVision, visionModelConfig } from '../src/models/vision/recipe.js';
import { Generator } from '../src/core/random.js';
import { digitSplits, fast, lesson } from './common.js';

const data = digitSplits();
const set = data.train;
const pixels = tensor(set.images, { shape: [set.count, 64] });
const cluster = (x: ReturnType<typeof tensor>, what: string) => {
  const km = new KMeans(10, { nInit: fast ? 1 : 10, generator: new Generator(0) });
  const purity = clusterPurity(km.fit(x).toFlatArray(), set.labels);
  console.log(`${what}: purity ${purity.toFixed(4)}, inertia ${km.inertia.toFixed(1)} after ${km.iterations} Lloyd iterations`);
  return km;
};
const raw = cluster(pixels, `k-means on ${set.count} digits' raw pixels (64 dims)`);
console.log(`centroid of cluster 0, as an 8x8 image:\n${Array.from({ length: 8 }, (_, y) => raw.centroids!.toFlatArray().slice(y * 8, y * 8 + 8).map((v) => ' .:-=+*#%@'[Math.min(9, Math.floor(v * 10))]).join('')).join('\n')}`);
const train = { epochs: fast ? 2 : 30, batchSize: 64, lr: 1e-3, seed: 1337 };
const run = startVisionRun(visionModelConfig('cnn', 8, 8), train);
trainVision(run, data, train);
run.model.eval();
const embeddings = noGrad(() => (run.model as LeNet).embed(pixels.view(set.count, 1, 8, 8)));
cluster(embeddings, `k-means on the CNN's 120-unit penultimate layer`);
lesson.done();
