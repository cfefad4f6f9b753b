import { MASK, RULES } from "./rules";

/**
 * Redact secrets from a command line or a raw log line. Applied to every
 * command and raw line a parser keeps, before the event is signed: the
 * store must never hold a secret (DESIGN.md, "Secrets never enter the store").
 * Pure and linear in the input length.
 */
export function redact(text: string): string {
  let out = redactPrivateKeys(text);
  let lower = out.toLowerCase();
  for (const rule of RULES) {
    if (!rule.needles.some((needle) => lower.includes(needle))) continue;
    const next = rule.apply(out);
    if (next === out) continue;
    out = next;
    lower = out.toLowerCase();
  }
  return out;
}

const BEGIN = "-----BEGIN ";
const KEY_TAIL = "PRIVATE KEY-----";

/**
 * PEM private-key blocks, found with indexOf rather than a lazy regex: a
 * regex `BEGIN[\s\S]*?END` rescans to the end for every BEGIN (quadratic on
 * a line of repeated headers). A block with no END line is cut to the end of
 * the text: a truncated key is still a secret.
 */
function redactPrivateKeys(text: string): string {
  let from = 0;
  let out = "";
  for (;;) {
    const begin = text.indexOf(BEGIN, from);
    if (begin < 0) break;
    const headerEnd = text.indexOf("-----", begin + BEGIN.length);
    const header = headerEnd < 0 ? "" : text.slice(begin, headerEnd + 5);
    if (headerEnd < 0 || headerEnd - begin > 64 || !header.endsWith(KEY_TAIL)) {
      out += text.slice(from, begin + BEGIN.length);
      from = begin + BEGIN.length;
      continue;
    }
    const label = header.slice(BEGIN.length, header.length - 5);
    const footer = `-----END ${label}-----`;
    const end = text.indexOf(footer, headerEnd + 5);
    out += text.slice(from, begin) + `${header}${MASK}`;
    if (end < 0) return out;
    out += footer;
    from = end + footer.length;
  }
  return out + text.slice(from);
}
