import { rename, writeFile } from "node:fs/promises";
import { deployEvents } from "../../collect/emit/deploy";
import type { AuditEvent } from "../../schemas";
import type { Store } from "../../store/open";
import { auditdWriteEvents, authEvents, sshLoginLines, sudoLines } from "./host-logs";
import { DAY, HOUR, Scenario } from "./scenario";

/**
 * The wrong answers of issue #12 (classes 1–8), each as a scenario of real
 * parts on its own hosts and its own repository (c<N>-web-*, repo c<N>), so
 * one store holds them all and one `prodtrail drift --evaluate` judges them.
 * Each builder returns the event ids its test asserts on.
 */
export const NGINX = "etc/nginx/";
export const conf = (n: number) => `worker_processes ${n};\nevents { worker_connections 1024; }\n`;
const FILE = { "nginx/nginx.conf": `${NGINX}nginx.conf` };
const EDIT = `${NGINX}nginx.conf`;

export type Ids = Record<string, string>;
export interface Built {
  scenario: Scenario;
  ids: Ids;
}

const id = (e: AuditEvent | undefined, what: string): string => {
  if (e === undefined) throw new Error(`the files collector emitted no event for ${what}`);
  return e.event_id;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scenario(store: Store, n: number, parentDir: string, branches = ["main"]): Promise<Scenario> {
  return Scenario.create(store, (root) => [1, 2, 3].map((h) => ({ hosts: [`c${n}-web-${h}`], host_path: `${root(`c${n}-web-${h}`)}/${NGINX}`, repo: `c${n}`, repo_path: "nginx/" })), { repoName: `c${n}`, branches, parentDir, keep: true });
}

/** The starting point of most classes: conf(2) committed a day ago, indexed and deployed to `host`. */
async function released(s: Scenario, host: string): Promise<string> {
  const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
  await s.index();
  await s.deploy(host, c1, FILE);
  return c1;
}

/** 1. A hotfix, then two releases inside one deploy window: the first release lost it. */
async function twoReleases(s: Scenario): Promise<Ids> {
  const h = "c1-web-1";
  await released(s, h);
  const [hotfix] = await s.edit(h, { [EDIT]: conf(32) });
  const c2 = s.commit({ "nginx/nginx.conf": conf(3) }, s.t0 - 2 * HOUR);
  const c3 = s.commit({ "nginx/nginx.conf": conf(4) }, s.t0 - HOUR);
  await s.index();
  const [r1] = await s.deploy(h, c2, FILE);
  const [r2] = await s.deploy(h, c3, FILE);
  const [motd] = await s.edit(h, { "etc/motd": "welcome\n" });
  return { hotfix: id(hotfix, "the hotfix"), r1: id(r1, "release 1"), r2: id(r2, "release 2"), r1_deploy: `d-${c2.slice(0, 8)}-${h}`, motd: id(motd, "motd") };
}

/** 2. An edit, then a second edit of the same file whose content a commit brings later. */
async function superseded(s: Scenario): Promise<Ids> {
  const h = "c2-web-1";
  await released(s, h);
  const [first] = await s.edit(h, { [EDIT]: conf(5) });
  const [second] = await s.edit(h, { [EDIT]: conf(6) });
  s.commit({ "nginx/nginx.conf": conf(6) }, Date.now() + 10 * 60_000, "backport the second fix");
  await s.index();
  return { first: id(first, "the first edit"), second: id(second, "the second edit") };
}

/** 3. A stray file the repository never had, created and deleted on the host. */
async function strayDeleted(s: Scenario): Promise<Ids> {
  const h = "c3-web-1";
  await released(s, h);
  const [created] = await s.edit(h, { [`${NGINX}nginx.conf.bak`]: conf(2) });
  const [deleted] = await s.edit(h, { [`${NGINX}nginx.conf.bak`]: null });
  return { created: id(created, "the stray file"), deleted: id(deleted, "its deletion") };
}

/** 4. Two people logged in; one runs `sudo vi <path>` (auth.log names no session) and edits. */
async function sudoVi(s: Scenario): Promise<Ids> {
  const h = "c4-web-1";
  await released(s, h);
  const now = Date.now();
  const logs = authEvents(h, [...sshLoginLines(h, "alice", 1234, now - 120_000), ...sshLoginLines(h, "bob", 1300, now - 100_000), ...sudoLines(h, "alice", `/usr/bin/vi ${s.hostPath(h, EDIT)}`, now - 60_000)]);
  await s.insert(logs);
  const login = logs.find((e) => e.type === "access.login" && e.actor_id === "alice");
  const [edit] = await s.edit(h, { [EDIT]: conf(40) });
  return { edit: id(edit, "the sudo vi edit"), alice_session: login?.session_id ?? "" };
}

/** 5. auditd saw vim open the file for write; the files collector saw the new content. */
async function auditdAndFiles(s: Scenario): Promise<Ids> {
  const h = "c5-web-1";
  await released(s, h);
  const audit = auditdWriteEvents(h, s.hostPath(h, EDIT), Date.now(), 4568);
  await s.insert(audit);
  const [edit] = await s.edit(h, { [EDIT]: conf(50) });
  return { edit: id(edit, "the edit"), auditd: id(audit.find((e) => e.type === "change.file"), "auditd's record") };
}

/** 6. A deploy installs by atomic rename (write tmp, mv tmp a.conf); then someone edits in place; the collector watches live. */
async function renameThenEdit(s: Scenario): Promise<Ids> {
  const h = "c6-web-1";
  const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
  await s.index();
  const target = s.hostPath(h, EDIT);
  await s.edit(h, { [EDIT]: conf(1) }); // the host's file before the release, seen by a scan
  const live = await s.goLive(h);
  const seen = async (n: number) => {
    // The live watcher reports within its 50 ms debounce; 5 s is slack for a loaded machine, not a measured limit.
    for (let i = 0; i < 100 && s.emitted.filter((e) => e.type === "change.file" && e.host === h).length < n; i += 1) await sleep(50);
  };
  const before = s.emitted.filter((e) => e.type === "change.file" && e.host === h).length;
  await writeFile(`${target}.tmp`, conf(2));
  await rename(`${target}.tmp`, target);
  await seen(before + 1);
  await s.insert(deployEvents({ repo: "c6", commit: c1, env: "prod", hosts: [h], deploy_id: `d-${c1.slice(0, 8)}-${h}`, actor: "ci" }));
  await writeFile(target, conf(60));
  await seen(before + 2);
  await live.close(); // a collector stopping rescans first: nothing that changed is left unreported
  const changes = s.emitted.filter((e) => e.type === "change.file" && e.host === h);
  return { install: changes[before]?.event_id ?? "missing", edit: changes[before + 1]?.event_id ?? "missing", events_after_install: String(changes.length - before) };
}

/**
 * 7. Commits whose timestamps do not order them: two in the same second, one
 * dated a second before its parent (a committer clock behind), and a deploy of
 * a release branch cut before main moved on. Indexed twice, as a running
 * indexer would: the first run's snapshot is of the old tips only.
 */
async function graphOrder(s: Scenario): Promise<Ids> {
  const at = Math.floor((s.t0 - 3 * DAY) / 1000) * 1000;
  const base = s.commit({ "nginx/nginx.conf": conf(2) }, at - DAY);
  s.checkout("release/1", base);
  s.checkout("main");
  await s.index();
  s.commit({ "nginx/nginx.conf": conf(70) }, at);
  const b = s.commit({ "nginx/nginx.conf": conf(71) }, at);
  const skewed = s.commit({ "nginx/nginx.conf": conf(73) }, at - 1000, "committed on a clock a second behind");
  s.commit({ "nginx/nginx.conf": conf(72) }, s.t0 - 2 * DAY, "main moves on");
  s.checkout("release/1");
  const rel = s.commit({ "nginx/other.conf": "# release-only\n" }, s.t0 - DAY, "release fix elsewhere");
  s.checkout("main");
  await s.index();
  const [sameSecond] = await s.deploy("c7-web-1", b, FILE);
  const [release] = await s.deploy("c7-web-2", rel, FILE);
  const [behind] = await s.deploy("c7-web-3", skewed, FILE);
  return { same_second: id(sameSecond, "deploy of the second same-second commit"), release: id(release, "deploy of the release branch"), skewed: id(behind, "deploy of the skewed commit") };
}

/** 8. A hand edit; a commit brings the same bytes 3 s later; a deploy of that commit lands within the window. */
async function backportedThenDeployed(s: Scenario): Promise<Ids> {
  const h = "c8-web-1";
  await released(s, h);
  const [edit] = await s.edit(h, { [EDIT]: conf(80) });
  const t = Date.parse(edit?.occurred_at ?? "");
  // git dates commits in whole seconds: the second nearest to t + 3 s, so the lag rounds to 3 s.
  const at = Math.round((t + 3000) / 1000) * 1000;
  const k = s.commit({ "nginx/nginx.conf": conf(80) }, at, "backport the hotfix");
  await s.index();
  await sleep(Math.max(0, at - Date.now() + 50));
  await s.deploy(h, k, FILE);
  return { edit: id(edit, "the hand edit"), commit: k };
}

/** 9. Mapping labels select hosts by the labels their own files collector stamps (collect.labels). */
async function labels(s: Scenario): Promise<Ids> {
  const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
  await s.index();
  const [web] = await s.edit("c9-web-1", { [EDIT]: conf(90) });
  const [db] = await s.edit("c9-db-1", { [EDIT]: conf(91) });
  return { web: id(web, "the web host's edit"), db: id(db, "the db host's edit"), commit: c1 };
}

/** The backport patch: a host whose collector keeps content (mapping keep_content), a hand edit of a deployed file. */
async function patchable(s: Scenario): Promise<Ids> {
  const h = "cp-web-1";
  const base = "user www-data;\nworker_processes 2;\nevents { worker_connections 1024; }\nhttp {\n  server { listen 80; }\n}\n";
  const c1 = s.commit({ "nginx/nginx.conf": base }, s.t0 - DAY);
  await s.index();
  await s.deploy(h, c1, FILE);
  const [edit] = await s.edit(h, { [EDIT]: base.replace("worker_connections 1024", "worker_connections 4096").replace("listen 80;", "listen 80;\n  server { listen 8080; }") });
  const [other] = await s.edit("cp-web-2", { [EDIT]: conf(2) });
  return { edit: id(edit, "the kept hand edit"), unkept: id(other, "an edit on a host that keeps nothing"), repo: s.repo, commit: c1 };
}

export const CLASSES = { 1: twoReleases, 2: superseded, 3: strayDeleted, 4: sudoVi, 5: auditdAndFiles, 6: renameThenEdit, 7: graphOrder, 8: backportedThenDeployed, 9: labels, p: patchable } as const;

async function keeping(store: Store, parentDir: string): Promise<Scenario> {
  return Scenario.create(store, (root) => ["cp-web-1", "cp-web-2"].map((h) => ({ hosts: [h], host_path: `${root(h)}/${NGINX}`, repo: "cp", repo_path: "nginx/", keep_content: true })), {
    repoName: "cp", parentDir, keep: true, keepContent: { "cp-web-1": [NGINX] },
  });
}

async function labelled(store: Store, parentDir: string): Promise<Scenario> {
  return Scenario.create(store, (root) => ["c9-web-1", "c9-db-1"].map((h) => ({ hosts: ["c9-*"], labels: { role: "web" }, host_path: `${root(h)}/${NGINX}`, repo: "c9", repo_path: "nginx/" })), {
    repoName: "c9", parentDir, keep: true, hostLabels: { "c9-web-1": { role: "web" }, "c9-db-1": { role: "db" } },
  });
}

export async function buildClass(store: Store, n: keyof typeof CLASSES, parentDir: string): Promise<Built> {
  const s = n === 9 ? await labelled(store, parentDir) : n === "p" ? await keeping(store, parentDir) : await scenario(store, n, parentDir, n === 7 ? ["main", "release/1"] : ["main"]);
  const ids = await CLASSES[n](s);
  return { scenario: s, ids };
}
