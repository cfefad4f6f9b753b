import fc from "fast-check";
import { expect } from "vitest";
import { LIMITS, parseEvent, type AuditEvent } from "../../../schemas";
import type { SourceParser } from "../types";
import { loadFixture } from "./load";

/**
 * Property-based checks shared by every parser's fuzz test: whatever lines
 * arrive, a parser never throws, every event it emits is valid under the
 * schemas, keeps a bounded raw, and the same lines give the same events.
 */
export const fixtureLines = (...names: string[]): string[] => names.flatMap((n) => loadFixture(n).lines.map((l) => l.text));

/** Lines near the real format: fixture lines cut, spliced and sprinkled with arbitrary text, plus arbitrary strings. */
export function mutatedLine(seeds: readonly string[]): fc.Arbitrary<string> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    seed,
    fc.tuple(seed, fc.nat(), fc.nat()).map(([s, a, b]) => s.slice(0, a % (s.length + 1)) + s.slice(b % (s.length + 1))),
    fc.tuple(seed, fc.nat(), fc.string({ maxLength: 40 })).map(([s, at, ins]) => s.slice(0, at % (s.length + 1)) + ins + s.slice(at % (s.length + 1))),
    fc.tuple(seed, fc.nat(), fc.string({ unit: "binary", maxLength: 40 })).map(([s, at, ins]) => s.slice(0, at % (s.length + 1)) + ins + s.slice(at % (s.length + 1))),
    fc.tuple(seed, seed, fc.nat()).map(([a, b, at]) => a.slice(0, at % (a.length + 1)) + b),
    fc.string({ maxLength: 300 }),
    fc.string({ unit: "binary", maxLength: 300 }),
  );
}

function leafPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => leafPaths(v, [...prefix, i]))];
  if (typeof value === "object" && value !== null) return [prefix, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
  return [prefix];
}

function setAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root) && typeof head === "number") return root.map((v, i) => (i === head ? setAt(v, rest, value) : v));
  if (typeof root === "object" && root !== null && typeof head === "string") {
    return { ...Object.fromEntries(Object.entries(root)), [head]: setAt(Reflect.get(root, head), rest, value) };
  }
  return root;
}

/** JSON lines whose structure is kept and whose values (any of them, nested too) are replaced by arbitrary JSON. */
export function mutatedJsonLine(seeds: readonly string[]): fc.Arbitrary<string> {
  const objects: unknown[] = seeds.flatMap((s) => {
    try {
      return [JSON.parse(s)];
    } catch {
      return [];
    }
  });
  const edit = fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 }));
  const structural = fc.tuple(fc.constantFrom(...objects), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([obj, edits]) => {
    let out: unknown = obj;
    for (const [pick, value] of edits) {
      const paths = leafPaths(out);
      out = setAt(out, paths[pick % paths.length] ?? [], value);
    }
    return JSON.stringify(out) ?? "null";
  });
  return fc.oneof(structural, mutatedLine(seeds));
}

/** The checks every emitted event must pass. */
export function expectSound(events: readonly AuditEvent[], parser: SourceParser): void {
  for (const e of events) {
    const again = parseEvent(e);
    if (!again.ok) throw new Error(`invalid event: ${JSON.stringify(again.issues)}`);
    expect(typeof e.raw).toBe("string");
    expect((e.raw ?? "").length).toBeGreaterThan(0);
    expect((e.raw ?? "").length).toBeLessThanOrEqual(LIMITS.raw);
  }
  expect(parser.stats.invalid).toBe(0);
}

export function feed(parser: SourceParser, lines: readonly string[]): AuditEvent[] {
  const out = lines.flatMap((line, i) => parser.push(line, { file: "fuzz", offset: i * 1000 }));
  return [...out, ...parser.flush()];
}

/** 400 batches (≈4 000 lines) per property in the suite; `FUZZ_RUNS=20000` for a deeper local soak. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 400) || 400;

/** No throw, valid and bounded events, deterministic ids: over batches of 1–20 generated lines. */
export function fuzzParser(make: () => SourceParser, line: fc.Arbitrary<string>, numRuns = FUZZ_RUNS): void {
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (lines) => {
      const parser = make();
      const events = feed(parser, lines);
      expectSound(events, parser);
      expect(feed(make(), lines).map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    }),
    { numRuns },
  );
}

/** Lines of 100 kB built to trip regex backtracking; the test timeout is the hang detector. */
export function adversarialLines(prefixes: readonly string[]): string[] {
  const n = 100_000;
  const bodies = [" ".repeat(n), "a".repeat(n), "a ".repeat(n / 2), "=".repeat(n), "\"".repeat(n), "[".repeat(n), "0".repeat(n), "%".repeat(n), "ab=".repeat(n / 3)];
  return [...bodies, ...prefixes.flatMap((p) => bodies.map((b) => p + b))];
}
