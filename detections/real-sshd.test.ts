import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthParser } from "../collect/sources/auth/parser";
import type { AuditEvent } from "../schemas";
import { insertEvents } from "../store/events";
import { openTestStore, type TestStore } from "../test/store";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "./load";
import { runRule } from "./run-rule";

/**
 * A real sshd log (testdata/sshd/SOURCE: loghub OpenSSH_2k, Internet brute
 * force against host LabSZ) through the real auth collector parser, stored,
 * and run through the built-in rules. The expected sources come from the raw
 * file, not from the parser: every address with 10 or more "Failed password"
 * lines (sshd's "message repeated N times" lines counted N times) within any
 * 10 minutes.
 */
const FILE = join(import.meta.dirname, "testdata", "sshd", "loghub-openssh-2k.log");
const lines = readFileSync(FILE, "utf8").split("\n").filter((l) => l !== "");
const YEAR = 2015;
const rules = loadRuleFiles([BUILTIN_RULES_DIR]);
const rule = (id: string) => {
  const r = rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
};

/** The oracle, from the raw text alone: the most "Failed password" lines of one address within any 10 minutes. */
function sourcesAboveThreshold(): string[] {
  const times = new Map<string, number[]>();
  for (const l of lines) {
    const m = /^\w{3} +\d+ (\d\d):(\d\d):(\d\d) .*?(?:message repeated (\d+) times: \[ )?Failed password for (?:invalid user )?\S+ from ([\d.]+) port/.exec(l);
    if (!m) continue;
    const second = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    const ip = m[5] ?? "";
    for (let i = 0; i < Number(m[4] ?? 1); i += 1) times.set(ip, [...(times.get(ip) ?? []), second]);
  }
  const busiest = (ts: number[]) => Math.max(...ts.map((t) => ts.filter((u) => u <= t && u >= t - 600).length));
  return [...times].filter(([, ts]) => busiest(ts) >= 10).map(([ip]) => ip).sort();
}

let store: TestStore;
let events: AuditEvent[];
beforeAll(async () => {
  store = await openTestStore();
  const parser = new AuthParser({ collectorId: "labsz", host: "LabSZ", env: "prod", now: () => new Date(`${YEAR}-12-31T00:00:00Z`), timeZone: "UTC", fileTime: () => new Date(`${YEAR}-12-10T12:00:00Z`) });
  let offset = 0;
  events = [];
  for (const text of lines) {
    events.push(...parser.push(text, { file: "auth.log", offset }));
    offset += Buffer.byteLength(text) + 1;
  }
  events.push(...parser.flush());
  await insertEvents(store, events, `${YEAR}-12-10T11:10:00.000Z`);
});
afterAll(async () => store.drop());

describe("the built-in rules on a real sshd log (loghub OpenSSH_2k)", () => {
  const window = { from: new Date(`${YEAR}-12-10T11:00:00Z`), to: new Date(`${YEAR}-12-10T12:00:00Z`) };

  it("flags each source address above the brute-force threshold, and only those", async () => {
    const expected = sourcesAboveThreshold();
    expect(expected).toContain("183.62.140.253");
    const hits = await runRule(store, { ...rule("prodtrail-ssh-brute-force"), lookbackMinutes: 24 * 60 }, window);
    expect([...new Set(hits.map((h) => h.source_ip))].sort()).toEqual(expected);
    expect(hits.every((h) => h.host === "LabSZ" && h.event_ids.length >= 10)).toBe(true);
  });

  it("does not flag the lone successful login of fztu from a source that never failed", async () => {
    const success = events.filter((e) => e.type === "access.login" && e.source_ip === "119.137.62.142");
    expect(success.map((e) => e.actor_id)).toEqual(["fztu"]);
    const shifted = { from: new Date(`${YEAR}-12-10T00:00:00Z`), to: window.to };
    expect(await runRule(store, rule("prodtrail-failures-then-success"), shifted)).toEqual([]);
  });
});
