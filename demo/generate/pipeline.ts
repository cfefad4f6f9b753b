import { mutate } from "./content";
import { MAPPINGS, mappedFiles } from "./mappings";
import type { Person } from "./org";
import type { Rng } from "./prng";
import type { Commit, RepoName } from "./repos";
import { MINUTE, on, serviceWho, type Sim } from "./sim";

/**
 * The sanctioned path to production: engineers commit, the ci-deploy
 * pipeline releases a commit to staging and then prod, puppet applies
 * sysctl settings and pins packages. Every file write here is "sanctioned".
 */
const MESSAGES = ["tune %s", "fix %s after review", "bump limits in %s", "adjust %s for traffic", "refactor %s"];

/** One commit; `content` overrides the generated change (a backport carries the host's exact bytes). */
export function commit(sim: Sim, rng: Rng, t: number, author: Person, repoName: RepoName, changes: Map<string, string>, message?: string): Commit {
  const repo = sim.repos[repoName];
  const first = [...changes.keys()][0] ?? "files";
  const c = repo.commit(changes, { time: t, author: author.actor_id, message: message ?? rng.pick(MESSAGES).replace("%s", first) });
  if (c.files.length === 0) return c;
  const eventId = sim.emit(t, {
    type: "codebase.commit",
    actor_id: author.actor_id,
    actor_kind: "human",
    attribution_method: "git-author",
    attribution_confidence: 0.9,
    team: author.team,
    channel: "git",
    host: "git.demo.example.com",
    env: "demo-prod",
    outcome: "success",
    repo: repoName,
    commit: c.sha,
    branch: "main",
    parents: c.parent ? [c.parent] : [],
    files: c.files,
    reason: c.message,
  });
  sim.truth.commit(c, eventId);
  sim.undeployed[repoName].push(c);
  return c;
}

/** An everyday commit: one or two files changed by a small edit; avoids files someone is mid-hotfix on, as people usually do. */
export function everydayCommit(sim: Sim, rng: Rng, t: number, author: Person, repoName: RepoName): void {
  const repo = sim.repos[repoName];
  // Someone's hotfix sits on that file in prod: leave it alone (the "lost" intent in edits.ts does the opposite on purpose).
  const quiet = repo.paths().filter((p) => !sim.truth.hasOpenEdit(repoName, p));
  const paths = quiet.length > 0 ? quiet : repo.paths();
  // Most commits are code and infrastructure-as-code; shipped config files change about one time in six.
  const shipped = (p: string) => MAPPINGS.some((m) => m.repo === repoName && p.startsWith(m.repo_path));
  const weighted = paths.map((p) => [p, shipped(p) ? 1 : 5] as const);
  const changes = new Map<string, string>();
  const n = rng.chance(0.3) ? 2 : 1;
  for (let i = 0; i < n; i += 1) {
    const path = rng.weighted(weighted);
    changes.set(path, mutate(repo.contentAt(path), rng, `change ${rng.hex(6)}`));
  }
  commit(sim, rng, t, author, repoName, changes);
}

/** A release of the repository's head: staging first, production 40 minutes later. */
export function release(sim: Sim, rng: Rng, t: number, repoName: RepoName): void {
  if (sim.undeployed[repoName].length === 0) return;
  const head = sim.repos[repoName].head();
  sim.undeployed[repoName] = [];
  deployTo(sim, rng, t, repoName, head, "demo-staging");
  sim.sched.at(t + 40 * MINUTE, () => deployTo(sim, rng, t + 40 * MINUTE, repoName, head, "demo-prod"));
}

/**
 * The pipeline ships the files that changed between the commit a host runs
 * and the new one (an rsync of the release diff): a file the release does
 * not touch keeps whatever is on the host, hand edits included.
 */
function deployTo(sim: Sim, rng: Rng, t: number, repoName: RepoName, head: Commit, env: "demo-prod" | "demo-staging"): void {
  const ci = serviceWho(sim.org.services.ci, "ci-identity", "deploy");
  const deployId = `deploy-${repoName}-${head.sha.slice(0, 8)}-${env === "demo-prod" ? "prod" : "stg"}`;
  const pipeline = `${repoName}/main #${sim.repos[repoName].commits.length}`;
  const targets = sim.org.hosts.filter((h) => h.env === env && mappedFiles(h.name, () => [...head.tree.keys()]).some((f) => f.mapping.repo === repoName && f.mapping.via === "ci-deploy"));
  let at = t;
  for (const host of targets) {
    at += rng.int(2, 15) * 1000;
    // Each host is its own action at its own moment, so a hand edit made
    // while the rollout is under way is seen in the right order.
    const hostAt = at;
    sim.sched.at(hostAt, () => {
      const previous = sim.deployed.get(`${host.name}|${repoName}`);
      sim.emit(hostAt, { type: "deploy.release", ...ci, ...on(host), channel: "ci-deploy", outcome: "success", repo: repoName, commit: head.sha, branch: "main", pipeline, artifact: `${repoName}-${head.sha.slice(0, 8)}.tar.gz`, deploy_id: deployId });
      for (const f of mappedFiles(host.name, () => [...head.tree.keys()])) {
        if (f.mapping.repo !== repoName || f.mapping.via !== "ci-deploy") continue;
        const blob = head.tree.get(f.repoPath);
        if (blob === undefined || previous?.tree.get(f.repoPath) === blob) continue;
        sim.writeFile(hostAt, host, f.hostPath, sim.blobs.text(blob), { who: ci, channel: "ci-deploy", command: `deploy ${deployId}`, deploy: { deploy_id: deployId, commit: head.sha } });
      }
      sim.deployed.set(`${host.name}|${repoName}`, head);
    });
  }
  if (repoName === "app") {
    const cp = sim.hostsOf("k8s-node", env)[0];
    if (cp) sim.emit(at, { type: "change.k8s", ...ci, ...on(cp), channel: "ci-deploy", outcome: "success", resource: "deployment/api", op: "apply", command: `kubectl apply -f k8s/deployment.yaml # ${head.sha.slice(0, 8)}` });
  }
}

/** Puppet's 30-minute run, applied to every host at once here: writes sysctl files whose content differs from infra's head. */
export function puppetRun(sim: Sim, rng: Rng, t: number): void {
  const puppet = serviceWho(sim.org.services["config-mgmt"], "ci-identity", "root");
  const head = sim.repos.infra.head();
  // Nothing to converge unless infra moved since the last run (no one edits sysctl by hand here).
  if (sim.puppetApplied === head.sha) return;
  sim.puppetApplied = head.sha;
  for (const host of sim.org.hosts) {
    const at = t + rng.int(0, 600) * 1000;
    sim.sched.at(at, () => {
      for (const f of mappedFiles(host.name, () => [...head.tree.keys()])) {
        if (f.mapping.via !== "config-mgmt") continue;
        const blob = head.tree.get(f.repoPath);
        if (blob === undefined || sim.fileOn(host.name, f.hostPath) === blob) continue;
        sim.writeFile(at, host, f.hostPath, sim.blobs.text(blob), { who: puppet, channel: "config-mgmt", command: "puppet agent --onetime" });
      }
    });
  }
}
