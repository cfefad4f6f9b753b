/**
 * Makes invisible and reordering characters visible, for text that came
 * from servers (command lines, raw log lines, paths). React already renders
 * strings as text, never HTML; this is the other half: an ANSI escape
 * (ESC[31m) could recolour a terminal a value is pasted into, and a bidi
 * override (U+202E, "Trojan Source", CVE-2021-42574) makes `rm -rf /‮gnp.x`
 * read as something else. Each becomes a visible token: `\x1b`, `⟨U+202E⟩`.
 */
// C0 controls except TAB and LF, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex -- matching control characters is this regex's whole job
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidi embeddings/overrides/isolates and marks, zero-width characters, line/paragraph separators, BOM.
const INVISIBLE = /[\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

export function visibleControls(text: string, options: { keepNewlines?: boolean } = {}): string {
  let out = text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  out = out.replace(INVISIBLE, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`);
  if (options.keepNewlines === false) out = out.replace(/\n/g, "\\n").replace(/\t/g, "\\t");
  return out;
}

/** True when the text holds anything visibleControls rewrites (the UI flags such values). */
export function hasHiddenCharacters(text: string): boolean {
  CONTROL.lastIndex = 0;
  INVISIBLE.lastIndex = 0;
  return CONTROL.test(text) || INVISIBLE.test(text);
}

export interface TextPart {
  text: string;
  /** A control or invisible character, shown as its escape (the UI styles these apart). */
  control: boolean;
}

/** The text as runs of plain text and escaped controls, for rendering controls distinctly. */
export function visibleParts(text: string, options: { keepNewlines?: boolean } = {}): TextPart[] {
  const parts: TextPart[] = [];
  const all = new RegExp(`${CONTROL.source}|${INVISIBLE.source}${options.keepNewlines === false ? "|[\\n\\t]" : ""}`, "g");
  let last = 0;
  for (const m of text.matchAll(all)) {
    const i = m.index;
    if (i > last) parts.push({ text: text.slice(last, i), control: false });
    parts.push({ text: visibleControls(m[0], options), control: true });
    last = i + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), control: false });
  return parts;
}
