import { describe, expect, it } from "vitest";
import { runFixture, testContext } from "../testdata/load";
import { AuthParser } from "../auth/parser";
import { SudoJsonParser } from "./parser";

/** sudo 1.9's own JSON: its I/O log metadata from sudo's regress data (real), its event log (constructed after eventlog.c). */
describe("sudo JSON: I/O log log.json (sudo-project/sudo regress data)", () => {
  it("reads a pretty-printed log.json with the command's exit status", () => {
    const parser = new SudoJsonParser(testContext());
    const events = runFixture(parser, "real/sudo-iolog-log.json");
    expect(events).toMatchObject([
      {
        type: "access.privilege",
        actor_id: "millert",
        effective_user: "root",
        channel: "sudo",
        outcome: "success",
        occurred_at: "2023-03-01T02:44:33.093Z",
        labels: { tty: "/dev/ttypb", cwd: "/etc/mail", submit_host: "xerxes.sudo.ws", exit_status: "1" },
      },
    ]);
    expect(events[0]?.type === "access.privilege" && events[0].command).toBe("ci -u 'aliases\n'");
    expect(parser.stats.unparsed).toBe(0);
  });

  it("reads an older log.json (start `timestamp`, no exit yet)", () => {
    const events = runFixture(new SudoJsonParser(testContext()), "real/sudo-iolog-ls.json");
    expect(events).toMatchObject([{ actor_id: "millert", command: "ls", occurred_at: "2020-03-21T11:35:49.782Z" }]);
    expect(events[0]?.labels.exit_status).toBeUndefined();
  });
});

describe("sudo JSON: log_format=json event log", () => {
  const parser = new SudoJsonParser(testContext());
  const events = runFixture(parser, "constructed/sudo-eventlog.json");

  it("reads accept, reject and exit members of the file-wide object", () => {
    expect(events.map((e) => [e.type, e.actor_id, e.outcome])).toEqual([
      ["access.privilege", "millert", "success"],
      ["access.privilege", "guest", "failure"],
      ["access.exec", "millert", "failure"],
    ]);
    expect(events[1]).toMatchObject({ reason: "user NOT in sudoers", command: "cat /etc/shadow" });
    expect(events[2]).toMatchObject({ reason: "exit 1", command: "ci -u aliases", labels: { exit_status: "1", run_time_s: "39", sudo_uuid: "94109a6eb8-9bed-41ba-0ff1-79926f3947" } });
    expect(parser.stats.unparsed).toBe(0);
  });

  it("reads compact records, one per line, and `@cee:` records in auth.log", () => {
    const compact = new SudoJsonParser(testContext());
    const line = JSON.stringify({ accept: { uuid: "u-1", submit_time: { seconds: 1677638673 }, submituser: "millert", runuser: "root", command: "/usr/bin/id", runargv: ["id"] } });
    expect(compact.push(line, { file: "c", offset: 0 })).toMatchObject([{ type: "access.privilege", actor_id: "millert", command: "id" }]);
    const auth = new AuthParser(testContext());
    const cee = `Mar  1 02:44:33 xerxes sudo[4711]: @cee:{"sudo":${line}}`;
    expect(auth.push(cee, { file: "auth.log", offset: 0 })).toMatchObject([{ type: "access.privilege", actor_id: "millert", effective_user: "root", labels: { sudo_uuid: "u-1" } }]);
  });
});
