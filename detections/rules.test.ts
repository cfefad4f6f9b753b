import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../test/store";
import { fixturesPathOf, loadFixtureCases, runCase } from "./fixtures";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "./load";

/**
 * Every built-in rule against its fixtures (events in → findings out), each
 * case in the test's own database. The oracle is shown able to fail: a case
 * that expects findings is run again expecting none and must be reported.
 */
const rules = loadRuleFiles([BUILTIN_RULES_DIR]);
let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store.drop());

describe.each(rules.map((r) => [r.id, r] as const))("built-in rule %s", (_id, rule) => {
  const cases = loadFixtureCases(fixturesPathOf(rule.path));
  it("has a case that expects a finding", () => {
    expect(cases.some((c) => c.expect.length > 0)).toBe(true);
  });
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const result = await runCase(store, rule, c);
    expect(result.problems).toEqual([]);
    if (c.expect.length > 0) {
      const inverted = await runCase(store, rule, { ...c, expect: [] });
      expect(inverted.ok).toBe(false);
      expect(inverted.problems.length).toBe(c.expect.length);
    }
  });
});
