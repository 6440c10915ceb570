// The course's lessons in order: what each shows, what its --fast form leaves out, and what a full run costs and prints.

/** A flag a lesson takes beyond --fast and --help, with the values it accepts. */
export interface LessonFlag {
  name: string;
  choices: string[];
  help: string;
}

/** One lesson script in examples/, described for --help, for its --fast run and for the lesson before it. */
export interface Lesson {
  script: string;
  /** What the lesson shows; the lesson before it names it so as its next step. */
  shows: string;
  /** How long the full run took where it was measured. */
  fullRun: string;
  fastRun: string;
  /** What --fast shrinks, and what that costs the lesson's point; empty when --fast changes nothing. */
  fastGivesUp: string;
  /** What a full run printed, shown after a --fast run where the small run cannot show the effect itself. */
  fullResult?: string;
  flags?: LessonFlag[];
}

// Times marked "shared machine" were measured one lesson at a time on 2 cores that other jobs were using;
// the full results are copied from a full run's output (or docs/results.md, where it says so), never estimated.
export const COURSE: Lesson[] = [
  {
    script: '01-micrograd', shows: 'derivatives by hand, then by a scalar autograd engine, and a tiny MLP trained with it',
    fullRun: 'about 3 s', fastRun: 'about 2 s', fastGivesUp: '20 training steps of the MLP instead of 100, so its predictions are rougher',
    fullResult: 'predictions 0.971, -0.971, -0.943, 0.944 (targets 1, -1, -1, 1)',
  },
  {
    script: '02-bigram', shows: 'the bigram model by counting, then as a one-layer neural net trained by gradient descent',
    fullRun: 'about 30 s (shared machine)', fastRun: 'about 4 s', fastGivesUp: '10 gradient steps instead of 100, so the net stops short of the counts, and no samples from it',
    fullResult: 'neural bigram loss 3.7686 -> 2.4901 after 100 full-batch steps (the counts give 2.4546); its samples: mor, axx, minaymoryles, kondmaisah, anchthizarie',
  },
  {
    script: '03-mlp', shows: "Bengio's MLP on names: embeddings, minibatches, a learning-rate sweep, train/val/test splits",
    fullRun: 'about 60 s (shared machine)', fastRun: 'about 8 s', fastGivesUp: 'a 100-step learning-rate sweep instead of 1,000 and 500 training steps instead of 30,000',
    fullResult: 'learning-rate sweep: lowest batch loss 4.685 at lr 0.207; after 30000 steps: train 2.1118, val 2.1363',
  },
  {
    script: '04-batchnorm-diagnostics', shows: "activations, gradients and BatchNorm: the lecture's per-layer statistics and plots",
    fullRun: 'about 40 s (shared machine)', fastRun: 'about 4 s', fastGivesUp: 'statistics after 30 training steps instead of 1,000',
    fullResult: 'layers.4 (Tanh) saturated 4.22%, layers.16 (Tanh) 1.84%; layers.17.weight grad:data ratio 3.220e-1',
  },
  {
    script: '05-backprop-ninja', shows: 'backpropagation by hand through cross-entropy, BatchNorm, tanh, linear layers and the embedding, checked against autograd',
    fullRun: 'about 1 s', fastRun: 'about 1 s', fastGivesUp: '',
  },
  {
    script: '06-wavenet', shows: 'a hierarchical (WaveNet-style) model that fuses the context two characters at a time',
    fullRun: 'about 90 s (shared machine)', fastRun: 'about 7 s', fastGivesUp: '100 training steps instead of 20,000',
    fullResult: 'after 20000 steps: val 2.0341; samples: deonte, dekay, mikeli, kasmi, nigar, aires, rhaber, korgen',
  },
  {
    script: '07-gpt', shows: 'a GPT from scratch on Tiny Shakespeare',
    fullRun: 'about 4 minutes (shared machine)', fastRun: 'about 5 s', fastGivesUp: '60 steps at learning rate 1e-2 instead of 3,000 at 1e-3, and a 40-character sample instead of 300',
    fullResult: 'step 3000: train 2.1446, val 2.2083',
  },
  {
    script: '08-devg-problems', shows: "the GPT course's 13 coding problems, solved and judged on PyTorch's answers",
    fullRun: 'about 3 s', fastRun: 'about 3 s', fastGivesUp: '',
  },
  {
    script: '09-digit-classifier', shows: "the course's digit classifier: sigmoid outputs against plain logits",
    fullRun: 'about 10 s (shared machine)', fastRun: 'about 2 s', fastGivesUp: '3 epochs instead of 30',
    fullResult: 'sigmoid outputs: train loss 1.4963 (floor 1.4612), test accuracy 0.9889; plain logits: train loss 0.0377, test accuracy 0.9889',
  },
  {
    script: '10-cnn', shows: 'a LeNet-style convolutional network on the 8x8 digits',
    fullRun: 'about 10 s (shared machine)', fastRun: 'about 2 s', fastGivesUp: '3 epochs instead of 30',
    fullResult: 'epoch 30: train loss 0.0921, val accuracy 0.9385; test accuracy 0.9722',
  },
  {
    script: '11-vit', shows: 'a vision transformer: patches, a CLS token, learned positions',
    fullRun: 'about 35 s (shared machine)', fastRun: 'about 3 s', fastGivesUp: '1 encoder block instead of 4 and 2 epochs instead of 20',
    fullResult: 'epoch 20: train loss 0.0034, val accuracy 0.9721; test accuracy 0.9778',
  },
  {
    script: '12-kmeans', shows: "K-means on the digits' raw pixels, then on a trained CNN's features",
    fullRun: 'about 20 s (shared machine)', fastRun: 'about 3 s', fastGivesUp: '1 k-means restart instead of 10 and a CNN trained 2 epochs instead of 30, so its features barely beat the pixels',
    fullResult: 'purity 0.7907 on raw pixels, 0.9075 on the CNN\'s features',
  },
  {
    script: '13-rnn-lstm', shows: "RNN, LSTM and GRU: vanishing gradients, makemore's GRU on names, a char-rnn on Shakespeare",
    fullRun: 'about 10 minutes (shared machine)', fastRun: 'about 20 s', fastGivesUp: 'gradients over 30 steps instead of 60, the GRU trained 200 steps instead of 5,000 (val loss on 2,000 contexts), the char-rnn 60 steps instead of 2,000',
    fullResult: "over 60 steps the LSTM keeps 3211x and the GRU 67425x the RNN's gradient to the first input; makemore GRU val loss 2.1737; char-rnn LSTM train 1.7478, val 1.8704",
  },
  {
    script: '14-chat', shows: 'make a GPT talk back: pre-train on Shakespeare, then fine-tune on Q: / A: pairs',
    fullRun: 'about 45 minutes (2,682 s on a shared machine)', fastRun: 'about 11 s',
    fastGivesUp: 'a 2-layer, 32-wide GPT trained 40 + 40 steps instead of 4 layers, 64 wide, 2,000 + 2,000 steps, asked 4 questions of each kind, so it does not answer yet',
    fullResult: '"what is seven minus five?" answered "two."; questions it was trained on: 33 of 40 answered exactly; held-out questions: 0 of 26 (docs/results.md)',
  },
  {
    script: '15-rag', shows: 'retrieval-augmented generation: a reader answers questions about facts it never saw from the passage TF-IDF retrieves',
    fullRun: 'about 38 minutes (2,287 s on one thread)', fastRun: 'about 13 s',
    fastGivesUp: '200 facts instead of 2,000 and a 2-layer, 32-wide reader trained 30 steps instead of 4 layers, 96 wide, 5,000 steps, so it answers nothing right yet',
    fullResult: 'exact-match on 200 held-out questions: retrieved passage 0.875, no context 0.000, gold passage 0.875 (docs/results.md)',
  },
  {
    script: '16-lora', shows: 'LoRA: fine-tune a pre-trained GPT through a low-rank update, forgetting less, then merge it',
    fullRun: 'about 80 s (shared machine)', fastRun: 'about 7 s', fastGivesUp: '40 pre-training steps instead of 1,500, 20 fine-tuning steps instead of 500, losses on 4 batches instead of 50',
    fullResult: 'pre-trained: names val 3.9452, Shakespeare val 2.0921; full fine-tune: names 2.3220, Shakespeare 3.8822; LoRA rank 4: names 2.5628, Shakespeare 3.5289; merging changes no logit by more than 3.6e-6',
  },
  {
    script: '17-pretrain-finetune', shows: 'BERT-style masked pre-training, then slot taggers and spam filters from few labels',
    fullRun: 'about 44 minutes (2,639 s on one thread, beside other jobs)', fastRun: 'about 2 minutes',
    fastGivesUp: '800 requests and 400 emails instead of 4,000 and 4,836, 40-60 pre-training steps instead of 3,000, only 50 labels, trained 30-40 steps instead of 1,000, so pre-training does not help yet',
    fullResult: '50 labelled sentences: slot tokens right 59.3% from scratch, 86.3% from the pre-trained encoder; 50 labelled emails: test accuracy 74.9% from scratch, 91.6% from the pre-trained encoder (docs/results.md, with 200, 1,000 and all labels)',
    flags: [{ name: '--only', choices: ['slots', 'spam'], help: 'run one of the two tasks' }],
  },
];

/** The command that runs a lesson from the repository root after the build. */
export const lessonCommand = (lesson: Lesson): string => `node dist/examples/${lesson.script}.js`;
