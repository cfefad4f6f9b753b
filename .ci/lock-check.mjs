#!/usr/bin/env node
// Compares what the lockfile installs on this platform before and after
// `npm install`. The registry may add optional builds for other platforms
// (next's @next/swc-darwin-* and -win32-* appeared after the lock was made)
// and npm then records them; that changes nothing a Linux machine installs,
// so it must not fail CI. Any other change — a version, an integrity hash, a
// package added or removed that Linux would install — is a real drift.
//
// usage: node .ci/lock-check.mjs BEFORE.json AFTER.json
import { readFileSync } from "node:fs";

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error("usage: node .ci/lock-check.mjs BEFORE.json AFTER.json");
  process.exit(2);
}

/** An entry restricted by os/cpu to platforms other than this one never installs here. */
function installsHere(entry) {
  const fits = (list, value) =>
    !Array.isArray(list) ||
    list.some((x) => x === value) ||
    (list.every((x) => x.startsWith("!")) && !list.includes(`!${value}`));
  return fits(entry.os, process.platform) && fits(entry.cpu, process.arch);
}

function installedHere(path) {
  const lock = JSON.parse(readFileSync(path, "utf8"));
  const out = new Map();
  for (const [name, entry] of Object.entries(lock.packages ?? {})) {
    if (!installsHere(entry)) continue;
    out.set(name, JSON.stringify({ v: entry.version, i: entry.integrity, d: entry.dependencies, o: entry.optionalDependencies }));
  }
  return out;
}

const before = installedHere(beforePath);
const after = installedHere(afterPath);
const drift = [];
for (const [name, desc] of after) {
  if (!before.has(name)) drift.push(`added: ${name || "(root)"}`);
  else if (before.get(name) !== desc) drift.push(`changed: ${name || "(root)"}`);
}
for (const name of before.keys()) if (!after.has(name)) drift.push(`removed: ${name || "(root)"}`);

if (drift.length > 0) {
  console.error(`package-lock.json drifted for ${process.platform}/${process.arch} during install (commit an updated lock):`);
  for (const line of drift) console.error(`  ${line}`);
  process.exit(1);
}
process.stdout.write(`package-lock.json: what ${process.platform}/${process.arch} installs is unchanged (${after.size} entries)\n`);
