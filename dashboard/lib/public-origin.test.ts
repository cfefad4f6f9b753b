import { afterEach, describe, expect, it } from "vitest";
import { publishAuthRuntime } from "../../server/auth/runtime";
import { publicOrigin } from "./public-origin";

const sink = { name: "none", publish: async () => {}, close: async () => {} };
afterEach(() => publishAuthRuntime(undefined));

describe("publicOrigin (the timeline permalink's host)", () => {
  it("is the configured public URL, whatever Host the request came under", () => {
    publishAuthRuntime({ sink, publicUrls: ["not a url", "https://trail.example.com/dashboard/"] });
    expect(publicOrigin("http://rebound.attacker.example:8080/timeline/export?format=md")).toBe("https://trail.example.com");
  });

  it("falls back to the request's origin when none is configured", () => {
    publishAuthRuntime({ sink });
    expect(publicOrigin("http://127.0.0.1:8080/timeline/export")).toBe("http://127.0.0.1:8080");
  });
});
