import { visibleParts } from "../lib/data/visible-text";

/**
 * Text from servers, rendered inert and readable. React renders strings as
 * text nodes (never HTML — there is no dangerouslySetInnerHTML in this app);
 * on top of that, control and bidi characters are shown as visible escapes
 * (`\x1b`, `⟨U+202E⟩`) and long values are cut with a "show all" that
 * needs no script (<details>).
 */
export function SafeText({ text, max = 300, totalChars, keepNewlines = false }: { text: string; max?: number; totalChars?: number; keepNewlines?: boolean }) {
  const total = totalChars ?? text.length;
  if (text.length <= max) {
    return (
      <>
        <Parts text={text} keepNewlines={keepNewlines} />
        {total > text.length ? <span className="muted"> … ({total.toLocaleString("en-US")} characters; open the event for all)</span> : null}
      </>
    );
  }
  return (
    <>
      <Parts text={text.slice(0, max)} keepNewlines={keepNewlines} />
      <span className="muted">…</span>
      <details className="showall">
        <summary>show all ({total.toLocaleString("en-US")} characters)</summary>
        <Parts text={text} keepNewlines={keepNewlines} />
      </details>
    </>
  );
}

function Parts({ text, keepNewlines }: { text: string; keepNewlines: boolean }) {
  return (
    <>
      {visibleParts(text, { keepNewlines }).map((p, i) =>
        p.control ? (
          <span key={i} className="ctl" title="control or invisible character, shown escaped">
            {p.text}
          </span>
        ) : (
          p.text
        ),
      )}
    </>
  );
}
