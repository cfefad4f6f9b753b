import { describe, expect, it } from "vitest";
import { middleCut, shortHost, shortName } from "./timeline-names";

describe("timeline label names", () => {
  it("cuts long ids in the middle, keeping the ends that tell them apart", () => {
    expect(middleCut("build-runner-0042-deadbeefcafe", 15)).toBe("build…dbeefcafe");
    expect(shortHost("ip-10-20-104-17.eu-west-1.compute.internal", 20)).toBe("ip-10-20-104-17.eu-…");
    expect(shortHost("a-host-whose-first-label-alone-is-too-long.example", 20)).toBe("a-host-…long.example");
    expect(middleCut("short", 20)).toBe("short");
    expect(middleCut("sess-000-" + "f".repeat(52), 14)).toHaveLength(14);
  });

  it("keeps a short email domain whole and cuts the local part", () => {
    const a = shortName("a-very-long-service-identity-name-00.deploy-bot@example.com", 36);
    const b = shortName("a-very-long-service-identity-name-01.deploy-bot@example.com", 36);
    expect(a).toHaveLength(36);
    expect(a).toBe("a-very-lo…-00.deploy-bot@example.com");
    expect(a).not.toBe(b);
    expect(shortName("alice@example.com", 36)).toBe("alice@example.com");
  });
});
