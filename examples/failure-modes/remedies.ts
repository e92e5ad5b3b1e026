/**
 * The remedies a failure-mode run can be given (`--remedy name[,name]`), each one hack of gan-hacks,
 * with the settings the remedies matrix uses (docs/experiments/remedies.md argues each choice).
 */
import {
  diffAugment,
  ema,
  instanceNoise,
  r1Penalty,
  replayBuffer,
  type Augmentation,
  type DiscriminatorRemedies,
  type GeneratorEma,
  type LabelHacks,
  type Regularizer,
} from 'gan-hacks';

export const REMEDIES = [
  'spectral-norm',
  'minibatch-stddev',
  'minibatch-discrimination',
  'r1',
  'instance-noise',
  'replay',
  'diffaugment',
  'label-smoothing',
  'ema',
] as const;
export type RemedyName = (typeof REMEDIES)[number];

/** What the remedies change in a run's setup. */
export interface RemedySetup {
  names: RemedyName[];
  discriminator: DiscriminatorRemedies;
  regularizers: Regularizer[];
  augmentations: Augmentation[];
  labels?: LabelHacks;
  /** The generator's moving average, when `ema` is asked for: the run's samples and saved generator come from it. */
  average?: GeneratorEma;
}

/** Parses `--remedy a,b` for a run of `iterations` iterations. */
export function remedySetup(flag: string | undefined, iterations: number): RemedySetup {
  const names = (flag ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as RemedyName[];
  for (const n of names) if (!REMEDIES.includes(n)) throw new Error(`unknown remedy ${n}; choose from ${REMEDIES.join(', ')}`);
  const has = (n: RemedyName): boolean => names.includes(n);
  return {
    names,
    discriminator: {
      spectralNormalization: has('spectral-norm'),
      minibatchStddev: has('minibatch-stddev'),
      minibatchDiscrimination: has('minibatch-discrimination'),
    },
    // γ = 10, the paper's MNIST-scale choice; on these sigmoid Ds it acts on probabilities (weaker than on logits).
    regularizers: has('r1') ? [r1Penalty({ gamma: 10 })] : [],
    // The replay buffer first, so it stores fakes as G made them; noise decays to 0 over the run.
    augmentations: [
      ...(has('replay') ? [replayBuffer({ size: 640, probability: 0.5 })] : []),
      ...(has('instance-noise') ? [instanceNoise({ std: 0.1, decay: iterations })] : []),
      ...(has('diffaugment') ? [diffAugment({ policy: 'translation,cutout' })] : []),
    ],
    labels: has('label-smoothing') ? { smoothPositive: true } : undefined,
    average: has('ema') ? ema({ decay: 0.99 }) : undefined,
  };
}
