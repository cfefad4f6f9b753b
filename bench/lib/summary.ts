import type { BenchLine, rowsOf as RowsOf } from "./report";

export interface BenchOutcome {
  step: string;
  command: string;
  seconds: number;
  /** Why the bench gave no figures, when it did not. */
  error: string | undefined;
  lines: BenchLine[];
}

const fmt = (n: number): string => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString("en") : String(Math.round(n * 100) / 100));
const cell = (s: string): string => s.replace(/\|/g, "\\|");

/** One Markdown table: a row per figure, a failed bench as one row saying why. */
export function renderSummary(outcomes: readonly BenchOutcome[], rowsOf: typeof RowsOf): string {
  const out = ["| bench | figure | value | same-run baseline | ratio | target | met |", "|---|---|---:|---|---:|---|:-:|"];
  for (const o of outcomes) {
    if (o.error !== undefined) {
      out.push(`| ${o.step} | **failed**: ${cell(o.error)} | | | | | |`);
      continue;
    }
    for (const line of o.lines) {
      for (const r of rowsOf(line)) {
        const met = r.met === undefined ? "" : r.met ? "yes" : "**no**";
        const ratio = r.ratio === undefined ? "" : `${fmt(r.ratio)}×`;
        out.push(`| ${line.name} | ${cell(r.figure)} | ${fmt(r.value)} ${cell(r.unit)} | ${cell(r.baseline ?? "")} | ${ratio} | ${cell(r.target ?? "")} | ${met} |`);
      }
    }
  }
  return out.join("\n");
}

const START = "<!-- bench:summary:start -->";
const END = "<!-- bench:summary:end -->";

/** README.md with the text between the bench markers replaced; an error if the markers are missing. */
export function replaceReadmeSection(readme: string, table: string): string {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${START} … ${END} section to rewrite`);
  return `${readme.slice(0, from + START.length)}\n${table}\n${readme.slice(to)}`;
}
