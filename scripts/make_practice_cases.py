"""The practice judge's test cases (`zerograd practice`), computed by PyTorch twins of the course's solutions.

Writes data/practice/cases.json. Each problem's inputs are the course's own example where it gives one, then
seeded random ones; the expected outputs come from the course's PyTorch code below, so the judge does not
check zerograd against itself. The model problems build their layers after torch.manual_seed(0), as the
course does; zerograd's Generator on the 'torch' stream gives the same weights, so a learner's module that seeds
the same way reproduces these outputs. The weights are stored too (but for the digit recogniser's 1.6 MB), so
the judge can tell a wrong computation from a wrong initialisation.

Run: /usr/bin/python3 scripts/make_practice_cases.py
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(20261201)


def t(x, dtype="float32"):
    x = torch.as_tensor(x)
    return {"shape": list(x.shape), "data": [float(v) if dtype != "int32" else int(v) for v in x.reshape(-1).tolist()], "dtype": dtype}


def state(module):
    return {name: t(p.detach()) for name, p in module.state_dict().items()}


def rounded(x, decimals=4):
    return torch.round(x, decimals=decimals)


# 1. Gradient descent on f(x) = x^2.
def get_minimizer(iterations, learning_rate, init):
    x = init
    for _ in range(iterations):
        x = x - learning_rate * 2 * x
    return round(x, 5)


p1 = [{"args": [0, 0.01, 5], "expected": get_minimizer(0, 0.01, 5), "course": True},
      {"args": [10, 0.01, 5], "expected": get_minimizer(10, 0.01, 5), "course": True}]
for iterations, lr, init in [(25, 0.05, -3.0), (100, 0.003, 7.5), (7, 0.2, 1.25)]:
    p1.append({"args": [iterations, lr, init], "expected": get_minimizer(iterations, lr, init)})


# 2. Gradient descent on f(x, y) = x^2 + y^2, rounding both coordinates to 5 decimals after every step.
def get_minimizer_multivariate(iterations, learning_rate, init):
    x, y = init
    for _ in range(iterations):
        p = torch.tensor([x, y], dtype=torch.float64, requires_grad=True)
        (p ** 2).sum().backward()
        g = p.grad.tolist()
        x, y = round(x - learning_rate * g[0], 5), round(y - learning_rate * g[1], 5)
    return [x, y]


p2 = [{"args": [iters, lr, list(init)], "expected": get_minimizer_multivariate(iters, lr, init)}
      for iters, lr, init in [(0, 0.1, (2.0, 5.0)), (1000, 0.1, (2.0, 5.0)), (10, 0.01, (-1.5, 3.0)), (40, 0.25, (0.75, -4.0))]]


# 3. Linear regression: prediction, mean squared error, and gradient descent on the weights (lr 0.01).
def get_model_prediction(X, weights):
    return np.round(np.squeeze(np.matmul(X, weights)), 5)


def get_error(prediction, truth):
    return round(float(np.mean(np.square(prediction - truth))), 5)


def train_model(X, Y, num_iterations, initial_weights):
    w = initial_weights.copy()
    for _ in range(num_iterations):
        prediction = np.squeeze(np.matmul(X, w))
        gradient = np.array([-2 * np.dot(Y - prediction, X[:, j]) / len(X) for j in range(len(w))])
        w = w - 0.01 * gradient
    return np.round(w, 5)


course_X = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
course_w = np.array([0.2, 0.1, 0.6])
course_Y = np.array([6.0, 3.0])
p3 = [
    {"fn": "getModelPrediction", "args": [t(course_X, "float64"), t(course_w, "float64")], "expected": t(get_model_prediction(course_X, course_w), "float64"), "course": True},
    {"fn": "getError", "args": [t([0.37, 0.95], "float64"), t([1.0, 1.0], "float64")], "expected": get_error(np.array([0.37, 0.95]), np.array([1.0, 1.0])), "course": True},
    {"fn": "trainModel", "args": [t(course_X, "float64"), t(course_Y, "float64"), 10, t(course_w, "float64")], "expected": t(train_model(course_X, course_Y, 10, course_w), "float64"), "course": True},
]
for n, k in [(5, 3), (8, 2)]:
    X = np.round(rng.normal(size=(n, k)), 3)
    w = np.round(rng.normal(size=k), 3)
    Y = np.round(X @ rng.normal(size=k) + 0.1 * rng.normal(size=n), 3)
    p3.append({"fn": "getModelPrediction", "args": [t(X, "float64"), t(w, "float64")], "expected": t(get_model_prediction(X, w), "float64")})
    p3.append({"fn": "getError", "args": [t(X @ w, "float64"), t(Y, "float64")], "expected": get_error(X @ w, Y)})
    p3.append({"fn": "trainModel", "args": [t(X, "float64"), t(Y, "float64"), 50, t(w, "float64")], "expected": t(train_model(X, Y, 50, w), "float64")})


# 4. PyTorch basics, rounded to 4 decimals.
def reshape(x):
    M, N = x.shape
    return rounded(torch.reshape(x, (M * N // 2, 2)))


def average(x):
    return rounded(torch.mean(x, dim=0))


def concatenate(a, b):
    return rounded(torch.cat((a, b), dim=1))


def get_loss(prediction, target):
    return rounded(F.mse_loss(prediction, target))


def r4(*shape):
    return torch.tensor(np.round(rng.normal(size=shape), 4), dtype=torch.float32)


p4 = [
    {"fn": "reshape", "args": [t(torch.ones(3, 4))], "expected": t(reshape(torch.ones(3, 4))), "course": True},
    {"fn": "average", "args": [t([[0.8088, 1.2614, -1.4371], [-0.0056, -0.2050, -0.7201]])], "expected": t(average(torch.tensor([[0.8088, 1.2614, -1.4371], [-0.0056, -0.2050, -0.7201]]))), "course": True},
    {"fn": "concatenate", "args": [t(torch.ones(2, 3)), t(torch.ones(2, 2))], "expected": t(concatenate(torch.ones(2, 3), torch.ones(2, 2))), "course": True},
    {"fn": "getLoss", "args": [t([0.0, 1.0, 0.0, 1.0, 1.0]), t([1.0, 0.0, 1.0, 1.0, 0.0])], "expected": t(get_loss(torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0]), torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0]))), "course": True},
]
for shape in [(2, 6), (5, 4)]:
    x = r4(*shape)
    p4.append({"fn": "reshape", "args": [t(x)], "expected": t(reshape(x))})
for shape in [(4, 3), (6, 5)]:
    x = r4(*shape)
    p4.append({"fn": "average", "args": [t(x)], "expected": t(average(x))})
a, b = r4(3, 2), r4(3, 4)
p4.append({"fn": "concatenate", "args": [t(a), t(b)], "expected": t(concatenate(a, b))})
p, q = r4(7), r4(7)
p4.append({"fn": "getLoss", "args": [t(p), t(q)], "expected": t(get_loss(p, q))})


# 5. The digit recogniser (784 -> 512 -> ReLU -> Dropout(0.2) -> 10 -> sigmoid) and its training loop.
class DigitRecognizer(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.first_linear = nn.Linear(784, 512)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(p=0.2)
        self.projection = nn.Linear(512, 10)
        self.sigmoid = nn.Sigmoid()

    def forward(self, images):
        return self.sigmoid(self.projection(self.dropout(self.relu(self.first_linear(images)))))


def train_digit_recognizer(model, batches, epochs):
    loss_function = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters())
    losses = []
    for _ in range(epochs):
        for images, labels in batches:
            prediction = model(images)
            optimizer.zero_grad()
            loss = loss_function(prediction, labels)
            loss.backward()
            optimizer.step()
            losses.append(round(loss.item(), 4))
    return losses


def images(n):
    return torch.tensor(np.round(rng.uniform(size=(n, 784)), 2), dtype=torch.float32)


p5 = []
for n in [1, 3]:
    x = images(n)
    model = DigitRecognizer().eval()
    with torch.no_grad():
        p5.append({"fn": "forward", "args": [t(x)], "expected": t(rounded(model(x)))})
batches = [(images(6), torch.tensor(rng.integers(0, 10, size=6))) for _ in range(2)]
model = DigitRecognizer().eval()  # dropout off, so the expected losses do not depend on a random stream
p5.append({"fn": "trainDigitRecognizer", "epochs": 2, "batches": [{"images": t(x), "labels": t(y, "int32")} for x, y in batches],
           "expected": train_digit_recognizer(model, batches, 2)})


# 6. Intro to NLP: a sorted vocabulary, ids from 1, sentences padded with 0, positives first.
def get_dataset(positive, negative):
    words = set()
    for sentence in positive + negative:
        words.update(sentence.split())
    ids = {word: i + 1 for i, word in enumerate(sorted(words))}
    encoded = [torch.tensor([ids[w] for w in s.split()], dtype=torch.float32) for s in positive + negative]
    return nn.utils.rnn.pad_sequence(encoded, batch_first=True)


p6 = []
for positive, negative, course in [
    (["Dogecoin to the moon"], ["I will short Tesla today"], True),
    (["I love this movie", "What a great day"], ["This is terrible", "I hate waiting in line", "bad"], False),
    (["the cat sat", "The cat sat on the mat"], ["a dog barked at the cat"], False),
]:
    p6.append({"args": [positive, negative], "expected": t(get_dataset(positive, negative)), **({"course": True} if course else {})})


# 7. Sentiment analysis: Embedding(V, 16), mean over time, Linear(16, 1), sigmoid, rounded to 4.
class SentimentClassifier(nn.Module):
    def __init__(self, vocabulary_size):
        super().__init__()
        torch.manual_seed(0)
        self.embedding_layer = nn.Embedding(vocabulary_size, 16)
        self.linear_layer = nn.Linear(16, 1)
        self.sigmoid_layer = nn.Sigmoid()

    def forward(self, x):
        return rounded(self.sigmoid_layer(self.linear_layer(torch.mean(self.embedding_layer(x), dim=1))))


p7 = []
for vocabulary, batch, length in [(20, 2, 6), (50, 3, 9), (12, 1, 4)]:
    model = SentimentClassifier(vocabulary)
    x = torch.tensor(rng.integers(1, vocabulary, size=(batch, length)))
    x[:, length - 2:] = 0
    with torch.no_grad():
        p7.append({"args": [vocabulary], "input": t(x, "int32"), "state": state(model), "expected": t(model(x))})

# 8. GPT dataset: windows of words from starts drawn after torch.manual_seed(0).
def batch_loader(raw_dataset, context_length, batch_size):
    torch.manual_seed(0)
    words = raw_dataset.split()
    indices = torch.randint(low=0, high=len(words) - context_length, size=(batch_size,))
    X = [words[i:i + context_length] for i in indices.tolist()]
    Y = [words[i + 1:i + 1 + context_length] for i in indices.tolist()]
    return {"X": X, "Y": Y}


p8 = []
for raw, context_length, batch_size, course in [
    ("Hello darkness my old friend I've come to talk with you again", 3, 2, True),
    ("the quick brown fox jumps over the lazy dog and runs far away from the farmer", 5, 4, False),
    ("to be or not to be that is the question", 2, 6, False),
]:
    p8.append({"args": [raw, context_length, batch_size], "expected": batch_loader(raw, context_length, batch_size), **({"course": True} if course else {})})


# 9-12. Attention, multi-head attention, the transformer block and the GPT, as the course writes them.
class SingleHeadAttention(nn.Module):
    def __init__(self, embedding_dim, attention_dim):
        super().__init__()
        torch.manual_seed(0)
        self.key_gen = nn.Linear(embedding_dim, attention_dim, bias=False)
        self.query_gen = nn.Linear(embedding_dim, attention_dim, bias=False)
        self.value_gen = nn.Linear(embedding_dim, attention_dim, bias=False)

    def forward(self, embedded):
        k, q, v = self.key_gen(embedded), self.query_gen(embedded), self.value_gen(embedded)
        scores = q @ torch.transpose(k, 1, 2)
        context_length, attention_dim = k.shape[1], k.shape[2]
        scores = scores / (attention_dim ** 0.5)
        lower_triangular = torch.tril(torch.ones(context_length, context_length))
        scores = scores.masked_fill(lower_triangular == 0, float("-inf"))
        return torch.softmax(scores, dim=2) @ v


class MultiHeadedSelfAttention(nn.Module):
    def __init__(self, embedding_dim, attention_dim, num_heads):
        super().__init__()
        torch.manual_seed(0)
        self.att_heads = nn.ModuleList([SingleHeadAttention(embedding_dim, attention_dim // num_heads) for _ in range(num_heads)])

    def forward(self, embedded):
        return torch.cat([head(embedded) for head in self.att_heads], dim=2)


class VanillaNeuralNetwork(nn.Module):
    def __init__(self, model_dim):
        super().__init__()
        self.first_linear_layer = nn.Linear(model_dim, model_dim * 4)
        self.relu = nn.ReLU()
        self.second_linear_layer = nn.Linear(model_dim * 4, model_dim)
        self.dropout = nn.Dropout(0.2)

    def forward(self, x):
        return self.dropout(self.second_linear_layer(self.relu(self.first_linear_layer(x))))


class TransformerBlock(nn.Module):
    def __init__(self, model_dim, num_heads):
        super().__init__()
        torch.manual_seed(0)
        self.attention = MultiHeadedSelfAttention(model_dim, model_dim, num_heads)
        self.linear_network = VanillaNeuralNetwork(model_dim)
        self.first_norm = nn.LayerNorm(model_dim)
        self.second_norm = nn.LayerNorm(model_dim)

    def forward(self, embedded):
        embedded = embedded + self.attention(self.first_norm(embedded))
        return embedded + self.linear_network(self.second_norm(embedded))


class GPT(nn.Module):
    def __init__(self, vocab_size, context_length, model_dim, num_blocks, num_heads):
        super().__init__()
        torch.manual_seed(0)
        self.token_embedding = nn.Embedding(vocab_size, model_dim)
        self.pos_embedding = nn.Embedding(context_length, model_dim)
        self.transformer_blocks = nn.Sequential(*[TransformerBlock(model_dim, num_heads) for _ in range(num_blocks)])
        self.final_norm = nn.LayerNorm(model_dim)
        self.vocabulary_projection = nn.Linear(model_dim, vocab_size)

    def forward(self, context):
        embedded = self.token_embedding(context) + self.pos_embedding(torch.arange(context.shape[1]))
        return torch.softmax(self.vocabulary_projection(self.final_norm(self.transformer_blocks(embedded))), dim=-1)


def module_case(model, args, x, dtype="float32"):
    model.eval()
    with torch.no_grad():
        return {"args": args, "input": t(x, dtype), "state": state(model), "expected": t(rounded(model(x)))}


p9 = [module_case(SingleHeadAttention(e, a), [e, a], r4(b, n, e)) for e, a, b, n in [(4, 2, 1, 3), (8, 6, 2, 5), (5, 3, 2, 4)]]
p10 = [module_case(MultiHeadedSelfAttention(e, a, h), [e, a, h], r4(b, n, e)) for e, a, h, b, n in [(8, 6, 3, 2, 4), (4, 4, 2, 1, 3), (6, 8, 4, 2, 5)]]
p11 = [module_case(TransformerBlock(d, h), [d, h], r4(b, n, d)) for d, h, b, n in [(4, 2, 1, 3), (8, 4, 2, 5), (6, 3, 2, 4)]]
p12 = []
for v, c, d, blocks, h, b, n in [(10, 4, 8, 2, 2, 2, 4), (7, 6, 6, 1, 3, 1, 5), (12, 5, 4, 2, 2, 2, 3)]:
    p12.append(module_case(GPT(v, c, d, blocks, h), [v, c, d, blocks, h], torch.tensor(rng.integers(0, v, size=(b, n))), "int32"))


# 13. Make GPT talk back. The judge's stand-in models put all probability on one next character, so any
# sampler returns it and the text below is exact: "next" predicts the character after the last one; "sum"
# predicts from the sum of every id it is shown, so an uncropped context gives other text.
def talk_back(kind, vocab, new_chars, context, context_length):
    context = list(context)
    out = []
    for _ in range(new_chars):
        if len(context) > context_length:
            context = context[-context_length:]
        nxt = (context[-1] + 1) % vocab if kind == "next" else sum(context) % vocab
        context.append(nxt)
        out.append(nxt)
    return out


p13 = []
for kind, chars, new_chars, context, context_length in [
    ("next", "abcdefgh", 5, [0, 1], 4), ("sum", "abcdefghijklm", 12, [3, 1, 4], 4), ("sum", " .,!abcdefghij", 9, [5], 3), ("next", "xyz", 7, [2, 0, 1, 2], 2),
]:
    ids = talk_back(kind, len(chars), new_chars, context, context_length)
    p13.append({"model": kind, "args": [new_chars, t([context], "int32"), context_length, list(chars)], "expected": "".join(chars[i] for i in ids)})


# Sampling for real: a model whose logits at each position are one row of a fixed table (a bigram model), and
# the course's generate: seed 0, the generator's state restored after every draw.
class TableModel(nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = table

    def forward(self, context):
        return self.table[context]


def generate(model, new_chars, context, context_length, int_to_char):
    generator = torch.manual_seed(0)
    initial_state = generator.get_state()
    res = []
    for _ in range(new_chars):
        if len(context.T) > context_length:
            context = context[:, -context_length:]
        prediction = model(context)
        probabilities = F.softmax(prediction[:, -1, :], dim=-1)
        next_char = torch.multinomial(probabilities, 1, generator=generator)
        generator.set_state(initial_state)
        context = torch.cat((context, next_char), dim=-1)
        res.append(int_to_char[next_char.item()])
    return "".join(res)


for chars, new_chars, context, context_length in [("abcdefgh ", 12, [0, 1], 4), ("xyz.", 8, [3], 2)]:
    table = torch.tensor(np.round(rng.normal(size=(len(chars), len(chars))) * 2, 3), dtype=torch.float32)
    text = generate(TableModel(table), new_chars, torch.tensor([context]), context_length, list(chars))
    p13.append({"model": "table", "table": t(table), "args": [new_chars, t([context], "int32"), context_length, list(chars)], "expected": text})


def main():
    cases = {"torch_version": torch.__version__, "problems": {
        "1": p1, "2": p2, "3": p3, "4": p4, "5": p5, "6": p6, "7": p7, "8": p8, "9": p9, "10": p10, "11": p11, "12": p12, "13": p13}}
    path = os.path.join(os.path.dirname(__file__), "..", "data", "practice", "cases.json")
    with open(path, "w") as f:
        json.dump(cases, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {sum(len(v) for v in cases['problems'].values())} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
