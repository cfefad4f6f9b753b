import { readFile } from "node:fs/promises";

/**
 * uid → user name from /etc/passwd, cached. A uid not found triggers at
 * most one re-read per minute (a user added since start); otherwise the
 * numeric uid is reported as the owner.
 */
const REREAD_MS = 60_000;

export class OwnerNames {
  private names = new Map<number, string>();
  private loadedAt = 0;

  constructor(private readonly passwdPath = "/etc/passwd") {}

  async nameOf(uid: number): Promise<string> {
    const known = this.names.get(uid);
    if (known !== undefined) return known;
    if (Date.now() - this.loadedAt > REREAD_MS) await this.load();
    return this.names.get(uid) ?? String(uid);
  }

  private async load(): Promise<void> {
    this.loadedAt = Date.now();
    let text = "";
    try {
      text = await readFile(this.passwdPath, "utf8");
    } catch {
      return; // no passwd (minimal containers): numeric uids
    }
    const names = new Map<number, string>();
    for (const line of text.split("\n")) {
      const [name, , uid] = line.split(":");
      const n = Number(uid);
      if (name !== undefined && name !== "" && uid !== undefined && uid !== "" && Number.isInteger(n)) names.set(n, name);
    }
    this.names = names;
  }
}
