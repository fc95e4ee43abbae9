/**
 * The seeded PRNG every random choice in the engine draws from (jitter, load, random
 * routing). The same seed and the same calls give the same numbers, in Node and in the
 * browser. Never use Math.random in the engine.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export class SeededRandom {
  private readonly rng;
  constructor(readonly seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }
  /** A float in [0, 1). */
  next(): number {
    return uniformFloat64(this.rng);
  }
  /** An integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }
  /** A whole number of ms in [-spread, +spread]. */
  jitter(spread: number): number {
    const s = Math.floor(spread);
    return s <= 0 ? 0 : this.int(-s, s);
  }
}
