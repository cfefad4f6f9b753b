/**
 * Seeds the pre-deploy gate's CLI test (drift/gate.test.ts) in a process of
 * its own: a real repository "g", three hosts, direct edits seen by the real
 * files collector, the drift job run with a zero grace period (every open
 * edit is unreconciled), one edit accepted; then two candidate releases are
 * committed and indexed WITHOUT another job run, so the gate itself must
 * read the release's tree; last, a fresh hotfix on g-web-4 no job has seen. Writes DIR/prodtrail.yaml and DIR/ids.json.
 * Usage: tsx drift/testing/seed-gate.ts DIR
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { clickhouseConfigSchema } from "../../config/schema";
import { createLogger } from "../../lib/log";
import { migrate } from "../../store/migrate";
import { openStore } from "../../store/open";
import { acceptanceEvent } from "../accept";
import { DriftJob } from "../job";
import { DAY, HOUR, Scenario } from "./scenario";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: seed-gate.ts DIR");
const dataDir = join(dir, "data");
const store = await openStore({ clickhouse: clickhouseConfigSchema.parse({}), dataDir });
const ETC = "etc/app/";
try {
  await migrate(store);
  const hosts = ["g-web-1", "g-web-2", "g-web-3", "g-web-4"];
  const s = await Scenario.create(store, (root) => hosts.map((h) => ({ hosts: [h], host_path: `${root(h)}/${ETC}`, repo: "g", repo_path: "app/" })), { repoName: "g", parentDir: dir, keep: true });
  const drift = { interval_seconds: 0, grace_period_hours: 0, mappings: s.mappings };
  const job = new DriftJob(store, { ...drift, deploy_window_minutes: 15 }, createLogger("seed-gate", "silent"));
  const c1 = s.commit({ "app/a.conf": "a1\n", "app/b.conf": "b1\n" }, s.t0 - DAY);
  await s.index();
  await s.deploy("g-web-1", c1, { "app/a.conf": `${ETC}a.conf`, "app/b.conf": `${ETC}b.conf` });
  await s.deploy("g-web-2", c1, { "app/a.conf": `${ETC}a.conf` });
  await s.deploy("g-web-3", c1, { "app/a.conf": `${ETC}a.conf` });
  const [aHot] = await s.edit("g-web-1", { [`${ETC}a.conf`]: "a-hotfix\n" });
  const [bHot] = await s.edit("g-web-1", { [`${ETC}b.conf`]: "b-hotfix\n" });
  const [a2Hot] = await s.edit("g-web-2", { [`${ETC}a.conf`]: "a2-hotfix\n" });
  if (aHot === undefined || bHot === undefined || a2Hot === undefined) throw new Error("the files collector missed an edit");
  await job.runOnce();
  await s.insert([acceptanceEvent({ changeEventId: bHot.event_id, ticket: "OPS-77", note: "vendor setting, kept", actorId: "lead@example.com", attributionMethod: "none", channel: "unknown", host: "g-web-1", env: "prod" })]);
  await job.runOnce();
  const release = s.commit({ "app/a.conf": "a3\n" }, s.t0 - HOUR, "release 3");
  const contains = s.commit({ "app/a.conf": "a2-hotfix\n" }, s.t0 + HOUR, "backport web-2's hotfix");
  await s.index();
  // A hotfix made after the job's last run, on a host about to be deployed: the gate must judge it first.
  await s.deploy("g-web-4", c1, { "app/a.conf": `${ETC}a.conf` });
  const [fresh] = await s.edit("g-web-4", { [`${ETC}a.conf`]: "a4-hotfix\n" });
  await s.close();
  writeFileSync(join(dir, "prodtrail.yaml"), JSON.stringify({ data_dir: dataDir, drift }, null, 1));
  writeFileSync(join(dir, "ids.json"), JSON.stringify({ aHot: aHot.event_id, bHot: bHot.event_id, a2Hot: a2Hot.event_id, fresh: fresh?.event_id ?? "missing", release, contains }, null, 1));
} finally {
  await store.close();
}
