import { z } from "zod";
import { localDirectory, type ArchiveDestination } from "../archive/destination";
import { exportArchive } from "../archive/export";
import { ARCHIVE_FORMATS } from "../archive/manifest";
import { s3Destination } from "../archive/s3-destination";
import type { Store } from "../store/open";
import { openConfiguredStore } from "./open-store";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

export const EXPORT_USAGE = `usage: prodtrail export --from TIME --to TIME --out DIR|s3://bucket/prefix [--format jsonl|parquet] [--part-rows N]
                        [--s3-endpoint URL] [--s3-region R]

Writes the events that occurred in [--from, --to) (ISO times or days,
e.g. 2026-01-01) as an archive: parts of at most --part-rows rows (default
100000) in JSON lines (default) or Parquet, exactly as stored, signatures
and chain positions included, and manifest.json (sha256 and rows of each
part, every collector's public keys and chain positions). Check it offline,
now or in seven years, with 'prodtrail verify --archive DIR'. Never
overwrites: the destination must not hold the archive's files yet.
S3-compatible storage: credentials from the AWS chain (AWS_ACCESS_KEY_ID…),
--s3-endpoint or AWS_ENDPOINT_URL_S3 for MinIO/Ceph. Progress goes to stderr
on a terminal.
Embedded mode: run while 'prodtrail serve' is stopped, or against CLICKHOUSE_URL.`;

const OPTIONS = {
  ...CONFIG_OPTION,
  from: { type: "string" },
  to: { type: "string" },
  out: { type: "string" },
  format: { type: "string", default: "jsonl" },
  "part-rows": { type: "string", default: "100000" },
  "s3-endpoint": { type: "string" },
  "s3-region": { type: "string" },
} as const;

const time = (name: string) =>
  z
    .string({ message: `--${name} is required` })
    .refine((t) => !Number.isNaN(Date.parse(t)), { message: `--${name} must be an ISO time or a day such as 2026-01-01` })
    .transform((t) => new Date(Date.parse(t)).toISOString());

const argsSchema = z
  .object({
    from: time("from"),
    to: time("to"),
    out: z.string({ message: "--out is required: a directory or s3://bucket/prefix" }).min(1),
    format: z.enum(ARCHIVE_FORMATS, { message: `--format must be ${ARCHIVE_FORMATS.join(" or ")}` }),
    partRows: z.coerce.number({ message: "--part-rows must be a number" }).int().min(1).max(10_000_000),
  })
  .refine((a) => a.from < a.to, { message: "--from must be before --to", path: ["from"] });

export async function runExportCommand(argv: string[], deps: { store?: Store; print?: (line: string) => void } = {}): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, EXPORT_USAGE);
  const print = deps.print ?? ((line: string) => console.log(line));
  if (values.help) {
    print(EXPORT_USAGE);
    return 0;
  }
  const parsed = argsSchema.safeParse({ from: values.from, to: values.to, out: values.out, format: values.format, partRows: values["part-rows"] });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "), EXPORT_USAGE);
  const args = parsed.data;
  const destination: ArchiveDestination = args.out.startsWith("s3://")
    ? s3Destination(args.out, { endpoint: values["s3-endpoint"], region: values["s3-region"] })
    : await localDirectory(args.out);
  const store = deps.store ?? (await openConfiguredStore(values.config));
  const tty = process.stderr.isTTY;
  try {
    const manifest = await exportArchive(store, destination, {
      from: args.from,
      to: args.to,
      format: args.format,
      partRows: args.partRows,
      onProgress: tty ? ({ rows, parts }) => process.stderr.write(`\rexported ${rows.toLocaleString("en")} events in ${parts} parts…`) : undefined,
    });
    if (tty) process.stderr.write("\n");
    print(`archive ${destination.description}: ${manifest.events} events of ${manifest.collectors.length} collectors in ${manifest.parts.length} parts (${args.format}), ${args.from} – ${args.to}`);
    print(`check it with: prodtrail verify --archive ${args.out.startsWith("s3://") ? "<a local copy>" : args.out}`);
    return 0;
  } finally {
    if (deps.store === undefined) await store.close();
  }
}
