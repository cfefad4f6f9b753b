import { ZodError } from "zod";
import { loadConfig } from "../config/load";
import { deployEvents } from "../collect/emit/deploy";
import { sinkFromConfig } from "../collect/sinks/from-config";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

const USAGE = `usage: prodtrail emit deploy --repo R --commit SHA --env ENV --hosts H [--hosts H …]
                             [--service S] [--branch B] [--pipeline P] [--artifact A]
                             [--deploy-id ID] [--actor ci@example] [--triggered-by alice]
                             [--ticket T] [--outcome success|failure] [--stdout]

Records a release from a CI pipeline: one deploy.release event per host,
published through the configured sink (collect.sink: the gateway over HTTP,
or Kafka). --stdout prints the events as JSON lines instead. Repeat --hosts or
give a comma-separated list. The same is accepted over HTTP by the gateway.`;

export async function runEmitCommand(argv: string[]): Promise<number> {
  const [what, ...rest] = argv;
  if (what === "--help" || what === "-h" || what === undefined) {
    console.log(USAGE);
    return what === undefined ? 2 : 0;
  }
  if (what !== "deploy") throw new UsageError(`unknown event kind '${what}' (known: deploy)`, USAGE);
  const s = { type: "string" } as const;
  const { values } = parseCommandArgs(
    rest,
    {
      ...CONFIG_OPTION,
      repo: s, commit: s, env: s, service: s, branch: s, pipeline: s, artifact: s,
      "deploy-id": s, actor: s, "triggered-by": s, ticket: s, outcome: s,
      hosts: { type: "string", multiple: true },
      stdout: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let events;
  try {
    events = deployEvents({
      repo: values.repo ?? "",
      commit: values.commit ?? "",
      env: values.env ?? "",
      hosts: (values.hosts ?? []).flatMap((h) => h.split(",")).map((h) => h.trim()).filter((h) => h !== ""),
      service: values.service,
      branch: values.branch,
      pipeline: values.pipeline,
      artifact: values.artifact,
      deploy_id: values["deploy-id"],
      actor: values.actor,
      triggered_by: values["triggered-by"],
      ticket: values.ticket,
      outcome: values.outcome,
    });
  } catch (error) {
    if (error instanceof ZodError) {
      const detail = error.issues.map((i) => `--${String(i.path[0] ?? "?").replace(/_/g, "-")}: ${i.message}`).join("; ");
      throw new UsageError(detail, USAGE);
    }
    throw error;
  }
  if (values.stdout) {
    for (const e of events) console.log(JSON.stringify(e));
    return 0;
  }
  const sink = sinkFromConfig(loadConfig({ path: values.config }));
  try {
    await sink.publish(events);
    const first = events[0];
    const deployId = first?.type === "deploy.release" ? first.deploy_id : undefined;
    console.log(`recorded deploy ${deployId ?? ""} of ${values.repo}@${values.commit?.slice(0, 12)} to ${events.length} host(s) via ${sink.name}`);
    return 0;
  } finally {
    await sink.close();
  }
}
