import type { StoredFinding } from "../finding-rows";

/**
 * What a webhook receives. Generic JSON is the finding itself (a stable
 * subset, versioned); the Slack-compatible body is `text` plus Block Kit
 * `blocks`, which Slack, Mattermost and Rocket.Chat incoming webhooks take.
 */
export function jsonBody(f: StoredFinding, dashboardUrl: string): Record<string, unknown> {
  return {
    version: 1,
    kind: "prodtrail.finding",
    finding_id: f.finding_id,
    rule_id: f.rule_id || f.detector,
    severity: f.severity,
    summary: f.title,
    detail: f.detail,
    actor_id: f.actor_id,
    host: f.host,
    env: f.env,
    source_ip: f.source_ip,
    occurred_at: f.occurred_at,
    event_ids: f.event_ids,
    tags: f.tags,
    status: f.status,
    url: findingUrl(f, dashboardUrl),
  };
}

const EMOJI: Record<string, string> = { critical: ":rotating_light:", high: ":red_circle:", medium: ":large_orange_circle:", low: ":large_yellow_circle:", info: ":white_circle:" };

/** Slack mrkdwn: &, < and > are the only characters it needs escaped. */
const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function slackBody(f: StoredFinding, dashboardUrl: string): Record<string, unknown> {
  const rule = f.rule_id || f.detector;
  const text = `${EMOJI[f.severity] ?? ""} [${f.severity}] ${esc(f.title)}`;
  const facts = [`*Rule* ${esc(rule)}`, `*Who* ${esc(f.actor_id || "—")}`, `*Where* ${esc(f.host)} (${esc(f.env)})`, `*When* ${f.occurred_at}`, ...(f.source_ip ? [`*Source* ${esc(f.source_ip)}`] : [])];
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${text}\n<${findingUrl(f, dashboardUrl)}|Open in prodtrail>` } },
      { type: "section", fields: facts.map((t) => ({ type: "mrkdwn", text: t })) },
    ],
  };
}

export function findingUrl(f: StoredFinding, dashboardUrl: string): string {
  return `${dashboardUrl.replace(/\/$/, "")}/findings?finding=${encodeURIComponent(f.finding_id)}`;
}
