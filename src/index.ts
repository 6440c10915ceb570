// zerograd's public API: the tensor first (so its op modules load in dependency order), then the rest.
export { Tensor, type NestedArray, type GradHook } from './tensor/tensor.js';
export { noGrad, isGradEnabled, grad, type GradFn, type GradOptions } from './tensor/autograd.js';
import { grad } from './tensor/autograd.js';
/** torch.autograd's spelling: autograd.grad(outputs, inputs, { createGraph }). */
export const autograd = { grad } as const;
export { arenaStep } from './tensor/arena.js';
export { type DType, type Storage } from './core/dtype.js';
export { ZerogradError } from './core/errors.js';
export { registeredOps, type OpInfo } from './tensor/registry.js';
export { Generator, manualSeed, defaultGenerator } from './core/random.js';
export { PythonRandom } from './core/pythonRandom.js';
export {
  tensor, zeros, ones, full, arange, linspace, eye, randn, rand, randint, randintValues, randperm,
  type TensorOptions, type RandomOptions,
} from './tensor/creation.js';
export * from './tensor/ops/elementwise.js';
export * from './tensor/ops/reduce.js';
export * from './tensor/ops/view.js';
export * from './tensor/ops/matmul.js';
export * from './tensor/ops/indexing.js';
export * from './tensor/ops/join.js';
export * from './tensor/ops/softmax.js';
export * from './tensor/ops/normalization.js';
export * from './tensor/ops/conv.js';
export * from './tensor/ops/losses.js';
export * from './tensor/ops/rearrange.js';
export * from './tensor/ops/ordering.js';
export * from './tensor/ops/linalg.js';
export * from './tensor/ops/binaryCrossEntropy.js';
export * from './tensor/ops/sampling.js';
export * from './tensor/ops/rounding.js';
export * from './tensor/ops/scatter.js';
export * from './tensor/ops/pad.js';
export * from './tensor/ops/einsum.js';
export { backend, setBackend, withBackend } from './backend/registry.js';
export type { Backend, StridedView, UnaryOp, BinaryOp, ReduceOp, MatmulSpec } from './backend/backend.js';
export { referenceBackend } from './backend/reference/index.js';
export { Value } from './scalar/value.js';
export { ScalarModule, Neuron, Layer as ScalarLayer, MLP as ScalarMLP, type Nonlinearity } from './scalar/nn.js';
export { toDot, toSvg } from './scalar/graph.js';
export { gradcheck, type GradcheckOptions } from './testing/gradcheck.js';

// Neural-network modules and optimizers.
export { Module, parameter, type Layer } from './nn/module.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { Embedding } from './nn/embedding.js';
export { BatchNorm1d, BatchNorm2d } from './nn/batchnorm.js';
export { Conv2d, MaxPool2d, AvgPool2d } from './nn/conv.js';
export { LayerNorm } from './nn/layernorm.js';
export { Dropout } from './nn/dropout.js';
export { Tanh, ReLU, GELU, Sigmoid, Softmax, LogSoftmax } from './nn/activations.js';
export { Sequential, FlattenConsecutive } from './nn/sequential.js';
export { Flatten } from './nn/flatten.js';
export { Optimizer } from './optim/optimizer.js';
export { SGD } from './optim/sgd.js';
export { AdamW } from './optim/adamw.js';
export { Adam } from './optim/adam.js';
export { RMSprop } from './optim/rmsprop.js';
export { Adagrad } from './optim/adagrad.js';
export { StepLR, CosineAnnealingLR, LinearLR, LambdaLR, OneCycleLR, ReduceLROnPlateau, LRScheduler } from './optim/lrScheduler.js';
export { constantLr, stepDecay, cosineWithWarmup, type Schedule } from './optim/schedule.js';
export { clipGradNorm, clipGradNormTensor } from './optim/clip.js';

// Data, models and checkpoints (Node: these read files).
export { CharTokenizer } from './data/charTokenizer.js';
export { WordTokenizer, padSequence } from './data/wordTokenizer.js';
export { BPETokenizer } from './data/bpeTokenizer.js';
export { parseLabelled, parseConll, formatConll, type LabelledText, type TaggedSentence } from './data/labelled.js';
export { readLabelledFile, readConll } from './data/labelledFiles.js';
export { Vocabulary, normalizedWords, PAD_ID, UNK_ID, CLS_ID, MASK_ID } from './data/vocabulary.js';
export { spamAssassinCorpus } from './data/spamAssassin.js';
export { emailText } from './data/emailText.js';
export { slotFillingCorpus } from './data/slotFilling.js';
export { buildContextDataset } from './data/contextDataset.js';
export { splitItems, shuffled } from './data/split.js';
export { DataLoader, TensorDataset, defaultCollate, type Dataset, type DataLoaderOptions, type Collated } from './data/dataLoader.js';
export { readLines } from './data/lines.js';
export { defaultNames } from './data/defaultNames.js';
export { getBatch, splitTokens } from './data/textDataset.js';
export { BigramCounts } from './models/makemore/bigramCounts.js';
export { BigramNeural } from './models/makemore/bigramNeural.js';
export { MLP } from './models/makemore/mlp.js';
export { hierarchicalModel } from './models/makemore/hierarchical.js';
export { batchNormMlp } from './models/makemore/batchNormMlp.js';
export { GPT, BigramLanguageModel, type GPTConfig, lectureGPTConfig } from './models/gpt/gpt.js';
export { SentimentModel, MaskedSentimentModel } from './models/classify/sentiment.js';
export {
  TransformerEncoder, SequenceClassifier, TokenTagger, MaskedLanguageModel, maskTokens, type EncoderConfig,
} from './models/classify/encoder.js';
export { BagOfEmbeddings } from './models/classify/bagOfEmbeddings.js';
export { buildTextClassifier, encodeTexts, predictLabels, type TextClassifierConfig } from './models/classify/textClassifier.js';
export { buildTagger, encodeTokens, predictTags, mostFrequentTagBaseline, type TaggerConfig } from './models/classify/tagging.js';
export { startSupervisedRun, supervisedTraining, trainSupervised, trainSupervisedAsync, type SupervisedTrainConfig } from './models/classify/supervised.js';
export { gptTraining, trainGPT, trainGPTAsync, lossEstimate, estimateLoss, type LMTrainHooks } from './models/gpt/train.js';
export { classificationReport, taggingAccuracy, type ClassificationReport } from './models/classify/metrics.js';
export { CausalSelfAttention, MultiHeadAttention, Head, scaledDotProductAttention } from './models/gpt/attention.js';
export { Block, FeedForward } from './models/gpt/block.js';
export { generate } from './models/gpt/generate.js';
export { attentionWeights } from './models/gpt/inspect.js';
export { trainingStep, trainingSteps, takeStep, takeStepAsync, trainLoop, trainLoopAsync, checkpointOf, checkpointOfAsync, restoreRun, type TrainingState } from './models/trainer.js';
export { runSync, runAsync, read, call, type Loop, type Need, type RunAsyncOptions } from './models/driver.js';
export { parseSafetensors, serializeSafetensors } from './io/safetensors.js';
export { saveCheckpoint, loadCheckpoint } from './io/checkpoint.js';
export { save, load, type StateDict } from './io/stateDict.js';
export { saveLoRAAdapter, loadLoRAAdapter, readAdapterConfig, type AdapterConfig } from './io/peft.js';
export { fromHuggingFaceGPT2, gpt2Config } from './models/gpt/huggingface.js';
export { createWasmBackend } from './backend/wasm/index.js';
export { instantiateWasmBackend, type WasmBackendOptions } from './backend/wasm/backend.js';

// SVG figures (strings, usable in Node and the browser).
export { lineChart, windowMeans } from './viz/lineChart.js';
export { labelledScatter } from './viz/scatter.js';
export { attentionHeatmap } from './viz/heatmap.js';
export { project2d } from './viz/project2d.js';
export { KMeans, clusterPurity } from './models/cluster/kmeans.js';
export { type ImageSet, readDigitsCsv, readIdxImages, readIdxDir } from './data/images.js';
export { ModuleList, ModuleDict, Identity } from './nn/containers.js';
export { RNN, LSTM, GRU, type RecurrentOptions } from './nn/recurrent.js';
export { LoRALinear, applyLoRA, mergeLoRA, unmergeLoRA, loraLayers, type LoRAOptions } from './nn/lora.js';
export * as init from './nn/init.js';
