import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEvents } from "../store/events";
import { makeEvent } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { checkRule } from "./check";
import { RuleLoadError } from "./errors";
import { BUILTIN_RULES_DIR, loadRuleFiles, parseRuleText } from "./load";
import { runRule } from "./run-rule";

const SIGMA = join(import.meta.dirname, "testdata", "sigma");
const sigma = (name: string) => readFileSync(join(SIGMA, name), "utf8");

function refusal(file: string, text: string): RuleLoadError {
  try {
    parseRuleText(file, text);
  } catch (error) {
    if (error instanceof RuleLoadError) return error;
    throw error;
  }
  throw new Error("the rule was accepted");
}

const matchRule = (detection: string) => `title: t\nid: t-1\nlevel: low\nlogsource:\n  product: linux\n  category: process_creation\ndetection:\n${detection}`;

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store.drop());

describe("rule loading", () => {
  it("imports the SigmaHQ 'Cat Sudoers' rule unchanged and it matches what it describes, only that", async () => {
    const rule = parseRuleText("cat_sudoers.yml", sigma("proc_creation_lnx_cat_sudoers.yml"));
    expect(rule).toMatchObject({ id: "0f79c4d2-4e1f-4683-9c36-b5469a665e06", severity: "medium", kind: "match", types: ["access.exec", "access.privilege"], tags: ["attack.reconnaissance", "attack.t1592.004"] });
    await checkRule(store, rule);
    const at = "2026-03-02T10:00:00.000Z";
    const hit = makeEvent({ type: "access.exec", command: "/usr/bin/cat /etc/sudoers", host: "db-1", occurred_at: at });
    const other = makeEvent({ type: "access.exec", command: "/usr/bin/cat /etc/hosts", host: "db-2", occurred_at: at });
    const notExec = makeEvent({ type: "change.file", path: "/etc/sudoers", command: "/usr/bin/cat /etc/sudoers", host: "db-3", occurred_at: at });
    await insertEvents(store, [hit, other, notExec], at);
    const hits = await runRule(store, rule, { from: new Date("2026-03-02T09:00:00Z"), to: new Date("2026-03-02T11:00:00Z") });
    expect(hits.map((h) => [h.host, h.event_ids])).toEqual([["db-1", [hit.event_id]]]);
  });

  it("refuses a SigmaHQ rule that needs an unmapped field, by name and line", () => {
    const error = refusal("celery.yml", sigma("proc_creation_lnx_celery_worker_shell_spawn.yml"));
    expect(error.message).toBe("celery.yml:29: unknown field 'ParentImage' (not in detections/FIELDS.md)");
  });

  it("refuses an unknown modifier, an unknown key, a bad condition and a bad CIDR with their lines", () => {
    expect(refusal("m.yml", matchRule("  sel:\n    CommandLine|base64: x\n  condition: sel\n")).message).toBe("m.yml:9: unknown modifier 'base64' on field 'CommandLine'");
    expect(refusal("k.yml", "title: t\nid: k\nlevel: low\nevents: [access.exec]\nquery: SELECT 1\nthreshold: 3\n").message).toBe("k.yml:6: unknown key 'threshold'");
    expect(refusal("c.yml", matchRule("  sel:\n    CommandLine: x\n  condition: sel and (sel2\n")).message).toBe("c.yml:10: condition \"sel and (sel2\": ends too early");
    expect(refusal("c2.yml", matchRule("  sel:\n    CommandLine: x\n  condition: sel or other\n")).message).toBe("c2.yml:10: condition names 'other', which is not a selection");
    expect(refusal("i.yml", matchRule("  sel:\n    source_ip|cidr: 10.0.0.0/33\n  condition: sel\n")).message).toBe("i.yml:9: \"10.0.0.0/33\" is not a CIDR range such as 10.0.0.0/8");
    expect(refusal("y.yml", "title: t\nid: [\n").message).toMatch(/^y\.yml:3: YAML: /);
  });

  it("a SQL rule may use only the window and its declared parameters, and the engine must accept it", async () => {
    const sql = (q: string, params = "") => `title: s\nid: s-1\nseverity: high\nevents: [access.login_failed]\n${params}query: |\n  ${q}\n`;
    expect(refusal("p.yml", sql("SELECT 1 FROM {{events}} WHERE host = {h:String}")).message).toMatch(/^p\.yml:5: parameter \{h:String\} is not declared/);
    expect(refusal("t.yml", sql("SELECT 1 FROM {{evnts}}")).message).toMatch(/^t\.yml:5: unknown table \{\{evnts\}\}/);
    expect(refusal("d.yml", sql("SELECT 1; DROP TABLE x")).message).toBe("d.yml:5: a query must be one statement, without ';'");
    const typo = parseRuleText("e.yml", sql("SELECT hostt AS group_key FROM {{events}} WHERE received_at >= {from:DateTime64(3)}"));
    await expect(checkRule(store, typo)).rejects.toThrow(/^e\.yml:5: the engine refuses the query: .*hostt/);
    const columns = parseRuleText("f.yml", sql("SELECT host AS group_key FROM {{events}} WHERE received_at >= {from:DateTime64(3)}"));
    await expect(checkRule(store, columns)).rejects.toThrow("f.yml:5: the query must return a column 'occurred_at'");
  });

  it("compiles modifiers and quantifiers: all, re, cidr, 1 of, not", async () => {
    const rule = parseRuleText(
      "q.yml",
      `title: q\nid: q-1\nlevel: high\nevents: [access.login]\ndetection:\n  net:\n    source_ip|cidr: [10.1.0.0/16, '2001:db8::/32']\n  both:\n    command|contains|all: [tar, /home]\n  rx:\n    host|re: '^bastion-\\d+$'\n  quiet:\n    actor_id: svc-*\n  condition: (1 of net or all of both) and rx and not quiet\n`,
    );
    await checkRule(store, rule);
    const at = "2026-03-02T10:00:00.000Z";
    const mk = (o: Record<string, unknown>) => makeEvent({ type: "access.login", host: "bastion-1", occurred_at: at, ...o });
    const yes = [mk({ source_ip: "10.1.2.3", actor_id: "a1" }), mk({ source_ip: "2001:db8::7", actor_id: "a2" }), mk({ command: "tar czf x /home/bob", actor_id: "a3" })];
    const no = [mk({ source_ip: "10.2.0.1", actor_id: "b1" }), mk({ command: "tar czf x /etc", actor_id: "b2" }), mk({ source_ip: "10.1.2.3", host: "web-1", actor_id: "b3" }), mk({ source_ip: "10.1.2.3", actor_id: "svc-backup" })];
    await insertEvents(store, [...yes, ...no], at);
    const hits = await runRule(store, rule, { from: new Date("2026-03-02T09:00:00Z"), to: new Date("2026-03-02T11:00:00Z") });
    expect(hits.map((h) => h.actor_id).sort()).toEqual(["a1", "a2", "a3"]);
  });

  it("every built-in rule loads and the engine accepts it", async () => {
    const rules = loadRuleFiles([BUILTIN_RULES_DIR]);
    expect(rules.length).toBeGreaterThanOrEqual(1);
    for (const rule of rules) await checkRule(store, rule);
  });
});
