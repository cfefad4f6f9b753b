import type { GateEdit, GateReport } from "./gate";

/**
 * The gate's answer for a CI log (text), a pull-request comment (Markdown)
 * or a pipeline (JSON). Exit code 0: nothing to lose; 3: the release would
 * overwrite direct edits — said together with what to do, because this is
 * the last moment those hotfixes can be saved.
 */
export const GATE_EXIT = { clear: 0, wouldOverwrite: 3 } as const;

export function gateExitCode(report: GateReport): number {
  return report.would_overwrite.length > 0 ? GATE_EXIT.wouldOverwrite : GATE_EXIT.clear;
}

const short = (sha: string) => sha.slice(0, 12);
const target = (r: GateReport) => `${r.repo}@${short(r.commit)} to ${r.env}${r.hosts.length > 0 ? ` (hosts: ${r.hosts.join(", ")})` : ""}`;
const who = (e: GateEdit) => (e.actor_id === "unknown" ? "unknown person" : `${e.actor_id} (${e.attribution_method} ${e.attribution_confidence.toFixed(2)})`);

function headline(r: GateReport): string {
  const n = r.would_overwrite.length;
  if (n === 0) return `nothing to lose: releasing ${target(r)} overwrites no pending or unreconciled direct edit${r.contained > 0 ? ` (${r.contained} open edit(s) are already in this commit)` : ""}.`;
  return `releasing ${target(r)} would overwrite ${n} direct edit${n === 1 ? "" : "s"} that never reached ${r.repo}.`;
}

const SAVE = (r: GateReport) =>
  `This is the moment the hotfix can still be saved: commit it to ${r.repo} (prodtrail drift patch <id> gives a diff for git apply) or accept it (prodtrail drift accept <id> --ticket … --note … --by …), then run the gate again.`;

export function gateText(r: GateReport): string {
  const lines = [`prodtrail drift gate: ${headline(r)}`];
  if (r.would_overwrite.length === 0) return lines.join("\n");
  lines.push(SAVE(r));
  for (const e of r.would_overwrite) {
    lines.push(`  ${e.host}  ${e.path}  (${r.repo}:${e.repo_path})  ${e.state}, edited ${e.occurred_at} by ${who(e)}; the release writes ${short(e.release_blob)} over ${short(e.after_hash) || "the deletion"}  ${e.change_event_id}`);
  }
  return lines.join("\n");
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");

export function gateMarkdown(r: GateReport): string {
  const lines = [`### prodtrail drift gate: ${r.would_overwrite.length === 0 ? "✅" : "⛔"} ${cell(headline(r))}`];
  if (r.would_overwrite.length === 0) return lines.join("\n");
  lines.push("", cell(SAVE(r)), "", "| host | path | state | edited | by | edit id |", "|---|---|---|---|---|---|");
  for (const e of r.would_overwrite) lines.push(`| ${cell(e.host)} | \`${cell(e.path)}\` | ${e.state} | ${e.occurred_at} | ${cell(who(e))} | \`${e.change_event_id}\` |`);
  return lines.join("\n");
}

export function gateJson(r: GateReport): string {
  return JSON.stringify({ ...r, exit_code: gateExitCode(r), can_still_be_saved: r.would_overwrite.length > 0 ? SAVE(r) : null }, null, 2);
}
