import { z } from "zod";
import { commitSchema, deriveEventId, parseEventOrThrow, type AuditEvent } from "../../schemas";

/**
 * `deploy.release` events for a CI pipeline's deploy: one event per target
 * host, because drift is judged per host ("what content should this host have
 * after this release?"). Ids derive from (deploy_id, host), so a pipeline that
 * retries its notification step does not record the deploy twice.
 */
export const deployInputSchema = z.strictObject({
  repo: z.string().min(1).max(256),
  commit: commitSchema,
  env: z.string().min(1).max(64),
  hosts: z.array(z.string().min(1).max(255)).min(1, { message: "name at least one target host" }).max(5000),
  service: z.string().max(256).optional(),
  branch: z.string().max(256).optional(),
  pipeline: z.string().max(256).optional(),
  artifact: z.string().max(4096).optional(),
  /** The pipeline's run id; default: derived from repo, commit, env and time. */
  deploy_id: z.string().max(128).optional(),
  /** Who or what deployed (a CI identity); default `ci`. */
  actor: z.string().min(1).max(256).default("ci"),
  /** Whoever triggered the pipeline, when CI knows it. */
  triggered_by: z.string().max(256).optional(),
  ticket: z.string().max(64).optional(),
  outcome: z.enum(["success", "failure", "unknown"]).default("success"),
  occurred_at: z.string().optional(),
});
export type DeployInput = z.input<typeof deployInputSchema>;

export function deployEvents(input: DeployInput | Record<string, unknown>, now = new Date()): AuditEvent[] {
  const d = deployInputSchema.parse(input);
  const occurredAt = d.occurred_at ?? now.toISOString();
  const deployId = d.deploy_id ?? deriveEventId("deploy", d.repo, d.commit, d.env, occurredAt).slice(0, 16);
  return d.hosts.map((host) =>
    parseEventOrThrow({
      event_id: deriveEventId("deploy.release", deployId, host),
      schema_version: 1,
      type: "deploy.release",
      occurred_at: occurredAt,
      actor_id: d.actor,
      actor_kind: "service",
      ...(d.triggered_by ? { impersonator: d.triggered_by } : {}),
      attribution_method: "ci-identity",
      attribution_confidence: 1,
      channel: "ci-deploy",
      env: d.env,
      host,
      ...(d.service ? { service: d.service } : {}),
      outcome: d.outcome,
      repo: d.repo,
      commit: d.commit,
      ...(d.branch ? { branch: d.branch } : {}),
      ...(d.pipeline ? { pipeline: d.pipeline } : {}),
      ...(d.artifact ? { artifact: d.artifact } : {}),
      ...(d.ticket ? { ticket: d.ticket } : {}),
      deploy_id: deployId,
    }),
  );
}
