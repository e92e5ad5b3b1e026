import type { LossBands } from './types.js';
import { GanHacksError } from '../errors/index.js';
import { assertFiniteNumber } from '../internal/validate.js';

/**
 * BCE's loss levels, the defaults of `diagnose`: each D half in [0.25, 1.2]
 * (D gives the right label a probability between 0.78 and 0.30), G in [0.3, 3]
 * (D(G(z)) between 0.74 and 0.05), a D half below 0.05 means D is right with
 * probability above 0.95.
 *
 * @example
 * ```ts
 * diagnose(history, { thresholds: { ...BCE_BANDS, collapsedLoss: 0.02 } });
 * ```
 */
export const BCE_BANDS: Readonly<LossBands> = Object.freeze({
  stableDiscriminatorLoss: [0.25, 1.2] as [number, number],
  stableGeneratorLoss: [0.3, 3] as [number, number],
  collapsedLoss: 0.05,
  risingLevel: 3,
  risingSlopePer100: 0.5,
});

/** BCE's rising slope, scaled to a loss whose rising level is `level`. */
const slopeFor = (level: number): number => (BCE_BANDS.risingSlopePer100 * level) / BCE_BANDS.risingLevel;

/** The probability a BCE loss value gives the right label. */
const probability = (bce: number): number => Math.exp(-bce);

/**
 * BCE's bands carried over to a squared-error loss `0.5 · (target − y)²`: the
 * same probabilities, read as positions between the fake and the target value,
 * so each band means the same balance of the players (`LSGAN`).
 *
 * @param discriminatorGap - realTarget − fakeTarget.
 * @param generatorGap - generatorTarget − fakeTarget.
 *
 * @example
 * ```ts
 * squaredErrorBands(1, 1).collapsedLoss; // 0.0012: LSGAN with targets 0 / 1 / 1
 * squaredErrorBands(2, 1);                // targets a = -1, b = 1, c = 0
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-finite gap, `INVALID_RANGE` for a zero one or one beyond ±2e6.
 */
export function squaredErrorBands(discriminatorGap: number, generatorGap: number): LossBands {
  for (const [name, gap] of [
    ['discriminatorGap', discriminatorGap],
    ['generatorGap', generatorGap],
  ] as const) {
    assertFiniteNumber(`squaredErrorBands: ${name}`, gap);
    if (gap === 0 || Math.abs(gap) > 2e6) {
      throw new GanHacksError('INVALID_RANGE', `squaredErrorBands: ${name} must be non-zero and within ±2e6 (a target minus the fake target), got ${gap}.`);
    }
  }
  const d = (bce: number): number => 0.5 * ((1 - probability(bce)) * discriminatorGap) ** 2;
  const g = (bce: number): number => 0.5 * ((1 - probability(bce)) * generatorGap) ** 2;
  return {
    stableDiscriminatorLoss: [d(BCE_BANDS.stableDiscriminatorLoss[0]), d(BCE_BANDS.stableDiscriminatorLoss[1])],
    stableGeneratorLoss: [g(BCE_BANDS.stableGeneratorLoss[0]), g(BCE_BANDS.stableGeneratorLoss[1])],
    collapsedLoss: d(BCE_BANDS.collapsedLoss),
    risingLevel: g(BCE_BANDS.risingLevel),
    risingSlopePer100: slopeFor(g(BCE_BANDS.risingLevel)),
  };
}

const logit = (p: number): number => Math.log(p / (1 - p));


/**
 * BCE's bands carried over to the hinge loss through D's logits. The G band
 * is −logit(D(G(z))) over BCE's G band: [−1.05, 2.95]. A D half's hinge loss is
 * 1 − logit where the margin is missed, so BCE's upper D bound (probability
 * 0.30 for the right label) gives 1.84; the hinge clips at 0, and below 0.2 D
 * meets the margin on most samples: that is the lower bound.
 *
 * @example
 * ```ts
 * hingeBands().stableGeneratorLoss; // [-1.05, 2.95]
 * ```
 */
export function hingeBands(): LossBands {
  const fooled = (bce: number): number => -logit(probability(bce));
  return {
    stableDiscriminatorLoss: [0.2, 1 - logit(probability(BCE_BANDS.stableDiscriminatorLoss[1]))],
    stableGeneratorLoss: [fooled(BCE_BANDS.stableGeneratorLoss[0]), fooled(BCE_BANDS.stableGeneratorLoss[1])],
    collapsedLoss: BCE_BANDS.collapsedLoss,
    risingLevel: fooled(BCE_BANDS.risingLevel),
    risingSlopePer100: slopeFor(fooled(BCE_BANDS.risingLevel)),
  };
}
