import { describe, expect, it } from "vitest";
import { findJsonSyntaxError } from "./json-error";

describe("findJsonSyntaxError", () => {
  it("finds nothing wrong in valid JSON, whatever JSON.parse accepts", () => {
    for (const text of ['{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', " [ ] ", '"s"', "0", '{"k":{}}']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxError(text)).toBeUndefined();
    }
  });

  it.each([
    ['{"events":}', 10, "unexpected character"],
    ['{"a":1', 6, "unexpected end of input"],
    ['{"a" 1}', 5, "expected ':'"],
    ["[1,]", 3, "unexpected character"],
    ['{"a":1}x', 7, "unexpected data after"],
    ['{"a":"b', 5, "unterminated string"],
    ['["\\q"]', 2, "bad escape"],
    ["{a:1}", 1, "property name in double quotes"],
    ["[01]", 2, "expected ','"],
    ["", 0, "unexpected end of input"],
  ])("locates the error in %j at %i", (text, position, message) => {
    expect(() => JSON.parse(text)).toThrow();
    const problem = findJsonSyntaxError(text);
    expect(problem?.position).toBe(position);
    expect(problem?.message).toContain(message);
  });

  it("reports line and column", () => {
    expect(findJsonSyntaxError('{\n  "a": 1,\n  "b": ]\n}')).toMatchObject({ line: 3, column: 8 });
  });

  it("survives deep nesting without recursion", () => {
    const deep = "[".repeat(1_000_000);
    expect(findJsonSyntaxError(deep)).toMatchObject({ position: 1_000_000, message: "unexpected end of input" });
  });
});
