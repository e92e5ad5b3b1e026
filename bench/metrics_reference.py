"""Golden values of the feature-space metrics, computed independently of gan-hacks.

Reads test/fixtures/metrics-case.json (written by bench/metrics-case.ts: float32 features,
class probabilities and the KID subsets) and writes test/fixtures/metrics-golden.json, which
test/metrics/featureMetrics.test.ts compares gan-hacks' results against.

    npx tsx bench/metrics-case.ts && python3 bench/metrics_reference.py

Needs numpy and scipy (Debian: python3-numpy, python3-scipy). Everything runs in float64 on the
float32 inputs, each metric from its paper's formula or its authors' code:

- Frechet distance as pytorch-fid computes it (numpy.mean / numpy.cov, scipy.linalg.sqrtm of
  sigma1 @ sigma2, the eps * I retry when the root is not finite, the real part when complex);
  a second value from symmetric eigen-decompositions (numpy.linalg.eigh) is recorded beside it;
- KID: torch-fidelity's polynomial kernel and unbiased MMD^2 on the given subsets, mean and
  numpy.std (population) over them;
- the Inception Score formula as openai/improved-gan's inception_score.py (consecutive splits
  preds[i * n // splits:(i + 1) * n // splits], mean and numpy.std of exp(mean KL)), with
  0 * log 0 = 0;
- precision / recall (Kynkaenniemi et al. 2019, NVlabs' code: inside when the squared distance
  is <= the k-th neighbour's) and density / coverage (Naeem et al. 2020, clovaai's prdc:
  strictly <), by brute force over all pairs, the k-th neighbour taken excluding the sample
  itself by index.
"""
import base64
import json
import os
import sys
import warnings

import numpy as np
from scipy import linalg

HERE = os.path.dirname(os.path.abspath(__file__))
CASE = os.path.join(HERE, '..', 'test', 'fixtures', 'metrics-case.json')
GOLDEN = os.path.join(HERE, '..', 'test', 'fixtures', 'metrics-golden.json')


def matrix(stored):
    values = np.frombuffer(base64.b64decode(stored['f32']), dtype='<f4')
    assert values.size == stored['n'] * stored['d']
    return values.reshape(stored['n'], stored['d']).astype(np.float64)


def feature_pair(entry):
    real, fake = matrix(entry['real']), matrix(entry['fake'])
    if 'columns' in entry:
        real, fake = real[:, entry['columns']], fake[:, entry['columns']]
    return real, fake


def fid_pytorch_fid(real, fake, eps=1e-6):
    mu1, mu2 = np.mean(real, axis=0), np.mean(fake, axis=0)
    sigma1, sigma2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    diff = mu1 - mu2
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        covmean = linalg.sqrtm(sigma1.dot(sigma2))
        retried = False
        if not np.isfinite(covmean).all():
            retried = True
            offset = np.eye(sigma1.shape[0]) * eps
            covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    largest_imaginary = 0.0
    if np.iscomplexobj(covmean):
        largest_imaginary = float(np.max(np.abs(np.diagonal(covmean).imag)))
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError('Imaginary component {}'.format(largest_imaginary))
        covmean = covmean.real
    value = float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))
    return value, retried, largest_imaginary


def fid_eigh(real, fake):
    mu1, mu2 = np.mean(real, axis=0), np.mean(fake, axis=0)
    sigma1, sigma2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    lam, vec = np.linalg.eigh(sigma1)
    root = (vec * np.sqrt(np.maximum(lam, 0))) @ vec.T
    inner = root @ sigma2 @ root
    trace_sqrt = np.sum(np.sqrt(np.maximum(np.linalg.eigvalsh((inner + inner.T) / 2), 0)))
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_sqrt)


def polynomial_kernel(x, y, degree, gamma, coef):
    return (x @ y.T * gamma + coef) ** degree


def mmd2_unbiased(kxx, kxy, kyy):
    m = kxx.shape[0]
    kt_xx = kxx.sum() - np.trace(kxx)
    kt_yy = kyy.sum() - np.trace(kyy)
    return (kt_xx + kt_yy) / (m * (m - 1)) - 2 * kxy.sum() / (m * m)


def kid(case, features):
    real, fake = feature_pair(features[case['features']])
    gamma = case.get('gamma') or 1.0 / real.shape[1]
    mmds = []
    for ri, fi in zip(case['real'], case['fake']):
        assert len(ri) == len(set(ri)) == case['m'] and len(fi) == len(set(fi)) == case['m']
        x, y = real[ri], fake[fi]
        k = lambda a, b: polynomial_kernel(a, b, case['degree'], gamma, case['coef'])
        mmds.append(mmd2_unbiased(k(x, x), k(x, y), k(y, y)))
    return {'mean': float(np.mean(mmds)), 'std': float(np.std(mmds)), 'subsetSize': case['m']}


def inception_score(preds, splits):
    scores = []
    for i in range(splits):
        part = preds[(i * preds.shape[0] // splits):((i + 1) * preds.shape[0] // splits), :]
        py = np.mean(part, 0, keepdims=True)
        with np.errstate(divide='ignore', invalid='ignore'):
            kl = np.where(part > 0, part * (np.log(part) - np.log(py)), 0.0)
        scores.append(np.exp(np.mean(np.sum(kl, 1))))
    return {'mean': float(np.mean(scores)), 'std': float(np.std(scores))}


def squared_distances(a, b):
    # Differences then squares, 100 rows at a time (a [n, m, d] array at once would take gigabytes).
    return np.concatenate([((a[i:i + 100, None, :] - b[None, :, :]) ** 2).sum(-1) for i in range(0, len(a), 100)])


def kth_neighbour(d2, k):
    d2 = d2.copy()
    np.fill_diagonal(d2, np.inf)
    return np.sort(d2, axis=1)[:, k - 1]


def prdc(case, features):
    real, fake = feature_pair(features[case['features']])
    k = case['k']
    rr = kth_neighbour(squared_distances(real, real), k)
    rf = kth_neighbour(squared_distances(fake, fake), k)
    d2 = squared_distances(real, fake)  # [real, fake]
    precision = (d2 <= rr[:, None]).any(axis=0).mean()
    recall = (d2 <= rf[None, :]).any(axis=1).mean()
    density = (d2 < rr[:, None]).sum(axis=0).mean() / k
    coverage = (d2.min(axis=1) < rr).mean()
    return {'precision': float(precision), 'recall': float(recall), 'density': float(density), 'coverage': float(coverage)}


def main():
    with open(CASE) as f:
        case = json.load(f)
    features = case['features']
    golden = {'about': 'Written by bench/metrics_reference.py from metrics-case.json (numpy ' + np.__version__ + ', scipy ' +
              __import__('scipy').__version__ + ').', 'fid': {}, 'fidEigh': {}, 'fidNotes': {}, 'kid': {}, 'score': {}, 'prdc': {}}
    for name in case['fid']:
        real, fake = feature_pair(features[name])
        value, retried, imaginary = fid_pytorch_fid(real, fake)
        golden['fid'][name] = value
        golden['fidEigh'][name] = fid_eigh(real, fake)
        golden['fidNotes'][name] = {'sqrtmRetriedWithEps': retried, 'largestImaginaryOnDiagonal': imaginary,
                                    'rank': [int(np.linalg.matrix_rank(np.cov(real, rowvar=False))), int(np.linalg.matrix_rank(np.cov(fake, rowvar=False)))]}
    for c in case['kid']:
        golden['kid'][c['name']] = kid(c, features)
    for c in case['score']:
        golden['score'][c['name']] = inception_score(matrix(case['probabilities'][c['probabilities']]), c['splits'])
    for c in case['prdc']:
        golden['prdc'][c['name']] = prdc(c, features)
    with open(GOLDEN, 'w') as f:
        json.dump(golden, f, indent=1)
        f.write('\n')
    json.dump(golden, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
