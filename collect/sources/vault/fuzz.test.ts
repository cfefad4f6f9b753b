import { describe, it } from "vitest";
import { adversarialLines, expectSound, feed, fixtureLines, fuzzParser, mutatedJsonLine } from "../testdata/fuzz";
import { testContext } from "../testdata/load";
import { VaultParser } from "./parser";

const seeds = fixtureLines("vault-audit.jsonl", "real/openbao-vault-audit.jsonl", "constructed/vault-audit-no-id.jsonl", "constructed/vault-audit-pretty.json");
const make = () => new VaultParser(testContext(), { breakGlassPaths: ["secret/data/breakglass/*", "database/creds/**"], otherReads: "grant" });

describe("vault parser fuzzing", () => {
  it("survives mutated audit entries (structure kept, values arbitrary)", () => fuzzParser(make, mutatedJsonLine(seeds)));

  it("handles 100 kB adversarial lines without hanging", () => {
    const prefixes = [
      '{"time":"2026-11-22T08:10:00Z","type":"request","request":{"id":"x","operation":"read","path":"secret/data/breakglass/',
      '{"time":"2026-11-22T08:10:00Z","type":"response","request":{"id":"y","operation":"read","path":"database/creds/a"},"error":"',
      '{"time":"',
    ];
    const lines = adversarialLines(prefixes).map((l) => (l.startsWith("{") ? l : l));
    const big = `{"time":"2026-11-22T08:10:00Z","type":"response","auth":{"display_name":"${"a".repeat(100_000)}"},"request":{"id":"z","operation":"read","path":"database/creds/x","remote_address":"10.0.0.1"}}`;
    const parser = make();
    expectSound(feed(parser, [...lines, big]), parser);
  });
});
