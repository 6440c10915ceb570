"""Lecture twin of examples/04-batchnorm-diagnostics.ts: makemore part 3's deep network (makemore_part3_bn.ipynb
cells 13, 14 and 19).

Run: /usr/bin/python3 scripts/twins/batchnorm.py [--fast]
Five Linear -> BatchNorm1d -> Tanh blocks of 100 units over 10-wide embeddings, the output BatchNorm's gamma
scaled by 0.1, lr 0.1, batches drawn from g; the notebook breaks out after step 1,000 (1,001 steps), the lesson
runs 1,000 (30 under --fast) and so does the twin. Final losses use the running statistics (eval mode, cell 19).
With max_steps = 1001 it gives the notebook's printed numbers exactly: step 0 3.2870, train 2.4002976417541504,
val 2.3982467651367188.
"""
import torch
import torch.nn.functional as F

from lecture import lecture_words, mode, recorded, write_fixture

torch.set_num_threads(1)
run_mode = mode()
max_steps = 30 if run_mode == 'fast' else 1000
splits, vocab_size = lecture_words(block_size=3)
block_size = 3
Xtr, Ytr = splits['train']


class Linear:

    def __init__(self, fan_in, fan_out, bias=True):
        self.weight = torch.randn((fan_in, fan_out), generator=g) / fan_in**0.5
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
        # parameters (trained with backprop)
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)
        # buffers (trained with a running 'momentum update')
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)

    def __call__(self, x):
        if self.training:
            xmean = x.mean(0, keepdim=True)  # batch mean
            xvar = x.var(0, keepdim=True)  # batch variance
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


n_embd = 10  # the dimensionality of the character embedding vectors
n_hidden = 100  # the number of neurons in the hidden layer of the MLP
g = torch.Generator().manual_seed(2147483647)  # for reproducibility

C = torch.randn((vocab_size, n_embd), generator=g)
layers = [
    Linear(n_embd * block_size, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    Linear(n_hidden, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    Linear(n_hidden, vocab_size, bias=False), BatchNorm1d(vocab_size),
]
with torch.no_grad():
    # last layer: make less confident
    layers[-1].gamma *= 0.1
    # all other layers: apply gain
    for layer in layers[:-1]:
        if isinstance(layer, Linear):
            layer.weight *= 1.0  # 5/3

parameters = [C] + [p for layer in layers for p in layer.parameters()]
for p in parameters:
    p.requires_grad = True

batch_size = 32
lossi = []
for i in range(max_steps):
    # minibatch construct
    ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)
    Xb, Yb = Xtr[ix], Ytr[ix]  # batch X,Y
    # forward pass
    emb = C[Xb]  # embed the characters into vectors
    x = emb.view(emb.shape[0], -1)  # concatenate the vectors
    for layer in layers:
        x = layer(x)
    loss = F.cross_entropy(x, Yb)  # loss function
    # backward pass
    for layer in layers:
        layer.out.retain_grad()
    for p in parameters:
        p.grad = None
    loss.backward()
    # update
    lr = 0.1 if i < 150000 else 0.01  # step learning rate decay
    for p in parameters:
        p.data += -lr * p.grad
    lossi.append(loss.item())


@torch.no_grad()  # this decorator disables gradient tracking
def split_loss(x, y):
    emb = C[x]  # (N, block_size, n_embd)
    x = emb.view(emb.shape[0], -1)  # concat into (N, block_size * n_embd)
    for layer in layers:
        x = layer(x)
    return F.cross_entropy(x, y).item()


# put layers into eval mode
for layer in layers:
    layer.training = False
write_fixture('04-batchnorm-diagnostics', 'karpathy/nn-zero-to-hero lectures/makemore/makemore_part3_bn.ipynb, cells 5, 13, 14 and 19', run_mode, {
    'steps': max_steps, 'lr': '0.1', 'losses': recorded(lossi),
    'train': split_loss(*splits['train']), 'val': split_loss(*splits['val']),
})
