import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical";
import { referenceCanonicalJson } from "./testdata/reference-canonical";

describe("canonicalJson", () => {
  it("writes the reference bytes for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it("writes the reference bytes for objects whose keys sort unlike their insertion order, undefined members left out", () => {
    const keys = fc.string({ unit: "binary", maxLength: 6 });
    fc.assert(
      fc.property(fc.dictionary(keys, fc.oneof(fc.string({ unit: "binary" }), fc.integer(), fc.constant(undefined), fc.dictionary(keys, fc.string()))), (value) => {
        expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
      }),
    );
  });

  it("names where a value it refuses is", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow("canonicalJson: $.a is not a finite number");
    expect(() => canonicalJson({ a: { b: [1, undefined] } })).toThrow("canonicalJson: $.a.b[1] has unsupported type undefined");
    expect(() => canonicalJson({ z: 1, a: 1n })).toThrow("canonicalJson: $.a has unsupported type bigint");
    expect(() => canonicalJson(Symbol("x"))).toThrow("canonicalJson: $ has unsupported type symbol");
  });
});
