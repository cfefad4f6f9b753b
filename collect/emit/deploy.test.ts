import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { deployEvents } from "./deploy";
import { parseEvent } from "../../schemas";

const commit = "0123456789abcdef0123456789abcdef01234567";

describe("deployEvents", () => {
  it("makes one valid deploy.release per host with stable ids", () => {
    const input = { repo: "infra", commit, env: "prod", hosts: ["web-01", "web-02"], deploy_id: "run-77", pipeline: "gha/deploy" };
    const events = deployEvents(input);
    expect(events.map((e) => e.host)).toEqual(["web-01", "web-02"]);
    for (const e of events) {
      expect(parseEvent(e).ok).toBe(true);
      expect(e).toMatchObject({ type: "deploy.release", channel: "ci-deploy", repo: "infra", commit, deploy_id: "run-77", actor_kind: "service" });
    }
    expect(deployEvents(input).map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(2);
  });

  it("names the bad argument", () => {
    expect(() => deployEvents({ repo: "infra", commit: "abc", env: "prod", hosts: ["h"] })).toThrow(ZodError);
    try {
      deployEvents({ repo: "infra", commit, env: "prod", hosts: [] });
    } catch (error) {
      expect(error instanceof ZodError && error.issues[0]?.path).toEqual(["hosts"]);
    }
  });
});
