import { createHash } from "node:crypto";

/**
 * The demo's only source of randomness: mulberry32, a 32-bit PRNG small
 * enough to read in one screen and fast (about 10^8 draws/s), seeded from a
 * hash of its label so every stream (org, days, incidents) is reproducible
 * on its own. Never Math.random(): the same seed must give the same fleet.
 */
export class Rng {
  private state: number;

  constructor(...seedParts: ReadonlyArray<string | number>) {
    const digest = createHash("sha256").update(seedParts.join("\u0000")).digest();
    this.state = digest.readUInt32LE(0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("Rng.pick: empty list");
    return item;
  }

  /** Picks by weight: [[value, weight], ...]. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (last === undefined) throw new Error("Rng.weighted: empty list");
    return last[0];
  }

  /** Poisson-distributed count (Knuth; fine for the small means used here). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k += 1;
      p *= this.next();
    }
    return k;
  }

  /** Hex string of n characters (session ids, pod suffixes). */
  hex(n: number): string {
    let out = "";
    while (out.length < n) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }

  /** A child stream whose draws do not shift this one's sequence. */
  fork(label: string | number): Rng {
    return new Rng(this.state, label);
  }
}
