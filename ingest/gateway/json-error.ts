/**
 * Where a JSON text first goes wrong. JSON.parse in Node 20 reports a
 * position for only some errors ("Unexpected token '}', "<the whole body>"
 * is not valid JSON" for others) and echoes up to 8 MiB of body into its
 * message, so the gateway finds the offset itself, on the failure path only.
 * Iterative (an explicit stack), so a body of 8 Mi '[' cannot overflow.
 */
export interface JsonSyntaxProblem {
  /** UTF-16 offset into the decoded body. */
  position: number;
  line: number;
  column: number;
  message: string;
}

type Expect = "value" | "valueOrEnd" | "key" | "keyOrEnd" | "colon" | "commaOrEnd" | "done";

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ["true", "false", "null"] as const;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const HEX4 = /[0-9a-fA-F]{4}/y;

export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  const stack: Array<"{" | "["> = [];
  let expect: Expect = "value";
  let i = 0;
  const fail = (position: number, message: string): JsonSyntaxProblem => {
    const before = text.slice(0, position);
    const line = before.split("\n").length;
    return { position, line, column: position - before.lastIndexOf("\n"), message };
  };
  const afterValue = (): Expect => (stack.length > 0 ? "commaOrEnd" : "done");
  /** Index just past the closing quote of the string starting at `start`, or a problem. */
  const scanString = (start: number): number | JsonSyntaxProblem => {
    for (let j = start + 1; j < text.length; j++) {
      const ch = text[j];
      if (ch === '"') return j + 1;
      if (ch === "\\") {
        const next = text[j + 1];
        if (next === "u") {
          HEX4.lastIndex = j + 2;
          if (!HEX4.test(text)) return fail(j, "bad \\u escape: expected 4 hex digits");
          j += 5;
        } else if (next !== undefined && ESCAPES.has(next)) j += 1;
        else return fail(j, "bad escape in string");
      } else if (ch !== undefined && ch.charCodeAt(0) < 0x20) return fail(j, "control character in string (escape it)");
    }
    return fail(start, "unterminated string");
  };

  while (true) {
    while (i < text.length && WHITESPACE.has(text.charAt(i))) i++;
    if (i >= text.length) return expect === "done" ? undefined : fail(i, "unexpected end of input");
    const c = text.charAt(i);
    if (expect === "done") return fail(i, "unexpected data after the JSON value");
    if (expect === "colon") {
      if (c !== ":") return fail(i, "expected ':' after a property name");
      i++;
      expect = "value";
    } else if (expect === "commaOrEnd") {
      const top = stack[stack.length - 1];
      if (c === ",") expect = top === "{" ? "key" : "value";
      else if ((c === "}" && top === "{") || (c === "]" && top === "[")) {
        stack.pop();
        expect = afterValue();
      } else return fail(i, `expected ',' or '${top === "{" ? "}" : "]"}'`);
      i++;
    } else if (expect === "key" || expect === "keyOrEnd") {
      if (expect === "keyOrEnd" && c === "}") {
        stack.pop();
        expect = afterValue();
        i++;
      } else if (c === '"') {
        const end = scanString(i);
        if (typeof end !== "number") return end;
        i = end;
        expect = "colon";
      } else return fail(i, "expected a property name in double quotes");
    } else if (expect === "valueOrEnd" && c === "]") {
      stack.pop();
      expect = afterValue();
      i++;
    } else if (c === "{" || c === "[") {
      stack.push(c);
      expect = c === "{" ? "keyOrEnd" : "valueOrEnd";
      i++;
    } else if (c === '"') {
      const end = scanString(i);
      if (typeof end !== "number") return end;
      i = end;
      expect = afterValue();
    } else {
      NUMBER.lastIndex = i;
      const literal = LITERALS.find((l) => text.startsWith(l, i));
      if (literal) i += literal.length;
      else if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else return fail(i, `unexpected character ${JSON.stringify(c)}`);
      expect = afterValue();
    }
  }
}
