"""Lecture twin of examples/06-wavenet.ts: makemore part 5's hierarchical network (makemore_part5_cnn1.ipynb
cells 4-13).

Run: /usr/bin/python3 scripts/twins/wavenet.py [--fast]
torch.manual_seed(42), then the lecture's layers, init and loop (batches from the global generator) for the
lesson's step count (20,000, or 100 under --fast) with the lesson's decay point (15,000, or 80): the notebook
trains 200,000 steps with lr 0.1, then 0.01 from step 150,000.
"""
import torch
import torch.nn.functional as F

from lecture import lecture_words, mode, recorded, write_fixture

torch.set_num_threads(1)
run_mode = mode()
max_steps, decay_at = (100, 80) if run_mode == 'fast' else (20_000, 15_000)
splits, vocab_size = lecture_words(block_size=8)
Xtr, Ytr = splits['train']


class Linear:

    def __init__(self, fan_in, fan_out, bias=True):
        self.weight = torch.randn((fan_in, fan_out)) / fan_in**0.5  # note: kaiming init
        self.bias = torch.zeros(fan_out) if bias else None

    def __call__(self, x):
        self.out = x @ self.weight
        if self.bias is not None:
            self.out += self.bias
        return self.out

    def parameters(self):
        return [self.weight] + ([] if self.bias is None else [self.bias])


class BatchNorm1d:

    def __init__(self, dim, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.training = True
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)

    def __call__(self, x):
        if self.training:
            if x.ndim == 2:
                dim = 0
            elif x.ndim == 3:
                dim = (0, 1)
            xmean = x.mean(dim, keepdim=True)  # batch mean
            xvar = x.var(dim, keepdim=True)  # batch variance
        else:
            xmean = self.running_mean
            xvar = self.running_var
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)  # normalize to unit variance
        self.out = self.gamma * xhat + self.beta
        if self.training:
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]


class Tanh:
    def __call__(self, x):
        self.out = torch.tanh(x)
        return self.out

    def parameters(self):
        return []


class Embedding:

    def __init__(self, num_embeddings, embedding_dim):
        self.weight = torch.randn((num_embeddings, embedding_dim))

    def __call__(self, IX):
        self.out = self.weight[IX]
        return self.out

    def parameters(self):
        return [self.weight]


class FlattenConsecutive:

    def __init__(self, n):
        self.n = n

    def __call__(self, x):
        B, T, C = x.shape
        x = x.view(B, T//self.n, C*self.n)
        if x.shape[1] == 1:
            x = x.squeeze(1)
        self.out = x
        return self.out

    def parameters(self):
        return []


class Sequential:

    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        self.out = x
        return self.out

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


torch.manual_seed(42)  # seed rng for reproducibility
n_embd = 24  # the dimensionality of the character embedding vectors
n_hidden = 128  # the number of neurons in the hidden layer of the MLP
model = Sequential([
    Embedding(vocab_size, n_embd),
    FlattenConsecutive(2), Linear(n_embd * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    FlattenConsecutive(2), Linear(n_hidden*2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    FlattenConsecutive(2), Linear(n_hidden*2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    Linear(n_hidden, vocab_size),
])
with torch.no_grad():
    model.layers[-1].weight *= 0.1  # last layer make less confident
parameters = model.parameters()
for p in parameters:
    p.requires_grad = True

batch_size = 32
lossi = []
for i in range(max_steps):
    ix = torch.randint(0, Xtr.shape[0], (batch_size,))
    Xb, Yb = Xtr[ix], Ytr[ix]  # batch X,Y
    logits = model(Xb)
    loss = F.cross_entropy(logits, Yb)  # loss function
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if i < decay_at else 0.01  # step learning rate decay
    for p in parameters:
        p.data += -lr * p.grad
    lossi.append(loss.item())

# put layers into eval mode (needed for batchnorm especially)
for layer in model.layers:
    layer.training = False


@torch.no_grad()
def split_loss(x, y):
    return F.cross_entropy(model(x), y).item()


write_fixture('06-wavenet', 'karpathy/nn-zero-to-hero lectures/makemore/makemore_part5_cnn1.ipynb, cells 4-13', run_mode, {
    'steps': max_steps, 'lr': f'0.1, 0.01 from step {decay_at}', 'parameters': sum(p.nelement() for p in parameters),
    'losses': recorded(lossi), 'train': split_loss(*splits['train']), 'val': split_loss(*splits['val']),
})
