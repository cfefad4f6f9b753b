import { csvRow } from "./export-format";
import type { Timeline, TimelineItem } from "./timeline";
import { visibleControls } from "./visible-text";

/**
 * Timeline exports. Markdown is what a postmortem doc takes: one table per
 * session. Cells are plain text — every character that Markdown or an HTML
 * renderer would act on is escaped (`|` would split a cell, a backtick open
 * code, `<` start a tag), newlines become spaces, control characters are
 * shown as \xNN / ⟨U+202E⟩ so a pasted line cannot reorder or hide text.
 */
const MD_SPECIAL = /[\\`*_[\]<>|#]/g;
const MD_CELL_CHARS = 200;

export function mdCell(value: string): string {
  const flat = visibleControls(value.replace(/\r\n|\r|\n/g, " "));
  const cut = flat.length > MD_CELL_CHARS ? `${flat.slice(0, MD_CELL_CHARS)}…` : flat;
  return cut.replace(MD_SPECIAL, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : `\\${c}`));
}

const COLUMNS = ["time (UTC)", "type", "actor", "host", "channel", "outcome", "what", "id"];

function mdRow(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function itemCells(item: TimelineItem): string[] {
  const what = item.whatChars > item.what.length ? `${item.what}…` : item.what;
  return [item.at.replace("T", " ").replace("Z", ""), item.type, item.actor, item.host, item.channel, item.outcome + (item.breakGlass ? " (break-glass)" : ""), what, item.id].map(mdCell);
}

export function timelineMarkdown(timeline: Timeline, title: { from: string; to: string; permalink: string }): string {
  const out: string[] = [];
  out.push(`## Timeline ${mdCell(title.from)} – ${mdCell(title.to)}`, "");
  out.push(`${timeline.items.length} items in ${timeline.groups.length} groups. Source: prodtrail, ${mdCell(title.permalink)}`, "");
  if (timeline.truncated) out.push("**Truncated**: the window holds more events than one timeline shows; narrow it.", "");
  for (const g of timeline.groups) {
    out.push(`### ${mdCell(g.label)}`, "");
    out.push(`${mdCell(g.actor)} on ${mdCell(g.host || "(no host)")}, ${mdCell(g.start)} – ${mdCell(g.end)}, ${g.items.length} items${g.overlaps.length > 0 ? `; overlaps ${g.overlaps.map(mdCell).join(", ")}` : ""}`, "");
    out.push(mdRow(COLUMNS), mdRow(COLUMNS.map(() => "---")));
    for (const item of g.items) out.push(mdRow(itemCells(item)));
    out.push("");
  }
  if (timeline.gaps.length > 0) {
    out.push(`### Gaps longer than ${timeline.gapMinutes} minutes`, "");
    for (const gap of timeline.gaps) out.push(`- ${mdCell(gap.from)} → ${mdCell(gap.to)} (${gap.minutes} min)`);
    out.push("");
  }
  return out.join("\n");
}

export const TIMELINE_CSV_COLUMNS = ["group", "kind", "id", "at", "type", "actor", "host", "env", "channel", "outcome", "session", "what", "what_chars", "break_glass"];

export function timelineCsv(timeline: Timeline): string {
  const rows = [csvRow(TIMELINE_CSV_COLUMNS)];
  for (const g of timeline.groups) {
    for (const i of g.items) rows.push(csvRow([g.key, i.kind, i.id, i.at, i.type, i.actor, i.host, i.env, i.channel, i.outcome, i.session, i.what, i.whatChars, i.breakGlass]));
  }
  return rows.join("");
}

export function timelineJson(timeline: Timeline): string {
  return `${JSON.stringify({ groups: timeline.groups, gaps: timeline.gaps, truncated: timeline.truncated, gap_minutes: timeline.gapMinutes }, null, 2)}\n`;
}
