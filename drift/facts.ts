import { z } from "zod";
import { defineQuery } from "../store/query";

/**
 * The heavy lifting of the drift engine, in one ClickHouse query: every
 * `change.file` (renames split into "new path gets content" + "old path
 * deleted"), expanded over the path mappings that cover it, joined with
 *   - the host's nearest deploy of the mapped repository (ASOF on time) and
 *     the blob that deploy's commit held at the mapped path (ASOF over the
 *     repository's history of that path: the latest version at or before the
 *     commit's time — exact on a linear main branch);
 *   - the latest commit holding the same blob at that path at or before the
 *     edit (matches codebase) and the first one after it (backport);
 *   - the next change of the same file on the same host (window function):
 *     what overwrote or reverted it;
 *   - the latest acceptance of the edit.
 * The result is one row of facts per (change, path, mapping) whose
 * fingerprint differs from the stored evaluation's; the state machine in
 * classify.ts turns facts into a state. `blob = ''` stands for
 * "absent" on both sides: a deletion on the host matches a deletion in the
 * repository (code_deletes) and a deployed tree without the path.
 */
const ts = z.string();
export const factsRow = z.object({
  event_id: z.string(),
  env: z.string(),
  host: z.string(),
  service: z.string(),
  path: z.string(),
  old_path: z.string(),
  op: z.string(),
  channel: z.string(),
  t: ts,
  before: z.string(),
  after: z.string(),
  m: z.coerce.number().int(),
  repo: z.string(),
  repo_path: z.string(),
  actor_id: z.string(),
  attribution_method: z.string(),
  attribution_confidence: z.coerce.number(),
  session_id: z.string(),
  sanctioned: z.coerce.number().int(),
  deploy_event_id: z.string(),
  deploy_id: z.string(),
  deploy_commit: z.string(),
  deploy_at: ts,
  deploy_commit_known: z.coerce.number().int(),
  deploy_tree_blob: z.string(),
  held_commit: z.string(),
  held_at: ts,
  later_commit: z.string(),
  later_at: ts,
  next_id: z.string(),
  next_t: ts,
  next_after: z.string(),
  next_sanctioned: z.coerce.number().int(),
  next_deploy_id: z.string(),
  next_held: z.coerce.number().int(),
  accepted_by: z.string(),
  accepted_ticket: z.string(),
  accepted_note: z.string(),
  accepted_at: ts,
  /** Fingerprint of the facts (all mappings of this change and path) and the grace-period bit. */
  fp: z.string(),
  /** The stored row's fingerprint and actor ('' when none is stored). */
  stored_fp: z.string(),
  stored_actor: z.string(),
});
export type Facts = z.output<typeof factsRow>;

export const factsParams = z.object({
  m_hosts: z.array(z.string()),
  m_labels: z.array(z.record(z.string(), z.string())),
  m_host_path: z.array(z.string()),
  m_repo: z.array(z.string()),
  m_repo_path: z.array(z.string()),
  window_s: z.number().int().min(0),
  /** Evaluation time and grace period, for the fingerprint's "past the grace period" bit. */
  now_ms: z.number().int(),
  grace_ms: z.number().int().min(0),
  /** Only changes on these hosts ([] = every host): the incremental scope. */
  hosts: z.array(z.string()),
});

export const ACCEPT_RESOURCE_PREFIX = "drift:accept:";

const MAPPED_COLUMNS = [
  "event_id", "env", "host", "service", "t", "op", "channel", "actor_id", "attribution_method", "attribution_confidence",
  "session_id", "path", "after", "before", "old_path", "m", "repo", "repo_path", "t_hi",
].join(", ");
const TREE_COLUMNS = `${MAPPED_COLUMNS}, d_event_id, d_deploy_id, d_commit, d_at, d_commit_known, tree_blob`;

export const driftFactsQuery = defineQuery({
  name: "drift.facts",
  params: factsParams,
  row: factsRow,
  sql: (tb) => `
WITH
  {m_hosts:Array(String)} AS mh,
  {m_labels:Array(Map(String, String))} AS ml,
  {m_host_path:Array(String)} AS mhp,
  {m_repo:Array(String)} AS mr,
  {m_repo_path:Array(String)} AS mrp,
  toIntervalSecond({window_s:UInt32}) AS win,
  blob_rows AS (
    -- No FINAL: a duplicate row (a commit indexed twice) is identical, and an ASOF match on either is the same answer.
    SELECT repo, path, blob, commit, committed_at FROM ${tb.code_blobs}
    UNION ALL
    SELECT repo, path, '' AS blob, commit, committed_at FROM ${tb.code_deletes}
  ),
  changes AS (
    SELECT event_id, env, host, service, labels, occurred_at AS t, op, channel,
           actor_id, attribution_method, attribution_confidence, session_id,
           side.1 AS path, side.2 AS after, side.3 AS before, side.4 AS old_path
    FROM (
      SELECT event_id, env, host, service, labels, occurred_at, toString(op) AS op, toString(channel) AS channel,
             actor_id, toString(attribution_method) AS attribution_method, attribution_confidence, session_id,
             path AS c_path, old_path AS c_old_path, after_hash AS c_after, before_hash AS c_before
      FROM ${tb.events} FINAL
      WHERE type = 'change.file' AND (empty({hosts:Array(String)}) OR has({hosts:Array(String)}, host))
    )
    ARRAY JOIN if(op = 'rename' AND c_old_path != '',
                  [tuple(c_path, c_after, '', c_old_path), tuple(c_old_path, '', c_before, c_path)],
                  [tuple(c_path, c_after, c_before, '')]) AS side
  ),
  mapped AS (
    SELECT *, arrayJoin(if(empty(hits), [0], hits)) AS m,
           if(m = 0, '', arrayElement(mr, m)) AS repo,
           if(m = 0, '', concat(arrayElement(mrp, m), substring(path, length(arrayElement(mhp, m)) + 1))) AS repo_path,
           t + win AS t_hi
    FROM (
      SELECT *, arrayFilter(i -> match(host, mh[i])
                               AND if(endsWith(mhp[i], '/'), startsWith(path, mhp[i]), path = mhp[i])
                               AND arrayAll(k -> labels[k] = ml[i][k], mapKeys(ml[i])),
                            arrayEnumerate(mh)) AS hits
      FROM changes
    )
  ),
  deploys AS (
    SELECT env AS d_env, host AS d_host, toString(repo) AS d_repo, commit AS d_commit, deploy_id AS d_deploy_id,
           event_id AS d_event_id, occurred_at AS d_at
    FROM ${tb.events} FINAL WHERE type = 'deploy.release' AND outcome != 'failure'
  ),
  with_deploy AS (
    SELECT ${MAPPED_COLUMNS}, d_event_id, d_deploy_id, d_commit, d_at
    FROM mapped
    ASOF LEFT JOIN deploys ON mapped.env = deploys.d_env AND mapped.host = deploys.d_host
                          AND mapped.repo = deploys.d_repo AND mapped.t_hi >= deploys.d_at
  ),
  with_commit AS (
    SELECT ${MAPPED_COLUMNS}, d_event_id, d_deploy_id, d_commit, d_at, cc_at AS d_commit_at, cc_commit != '' AS d_commit_known
    FROM with_deploy
    LEFT JOIN (SELECT repo AS cc_repo, commit AS cc_commit, min(committed_at) AS cc_at FROM ${tb.code_commits}
               WHERE commit IN (SELECT d_commit FROM deploys) GROUP BY repo, commit) AS cc
      ON cc.cc_repo = with_deploy.repo AND cc.cc_commit = with_deploy.d_commit
  ),
  with_tree AS (
    SELECT ${MAPPED_COLUMNS}, d_event_id, d_deploy_id, d_commit, d_at, d_commit_at, d_commit_known, tr_blob AS tree_blob
    FROM with_commit
    ASOF LEFT JOIN (SELECT repo AS tr_repo, path AS tr_path, blob AS tr_blob, committed_at AS tr_at FROM blob_rows
                    WHERE (repo, path) IN (SELECT repo, repo_path FROM with_deploy WHERE d_event_id != '')) AS tr
      ON tr.tr_repo = with_commit.repo AND tr.tr_path = with_commit.repo_path AND with_commit.d_commit_at >= tr.tr_at
  ),
  with_held AS (
    SELECT ${TREE_COLUMNS}, hb_commit AS held_commit, hb_at AS held_at
    FROM with_tree
    ASOF LEFT JOIN (SELECT repo AS hb_repo, path AS hb_path, blob AS hb_blob, commit AS hb_commit, committed_at AS hb_at FROM blob_rows
                    WHERE blob IN (SELECT after_hash FROM ${tb.events} WHERE type = 'change.file')) AS hb
      ON hb.hb_repo = with_tree.repo AND hb.hb_path = with_tree.repo_path AND hb.hb_blob = with_tree.after AND with_tree.t >= hb.hb_at
  ),
  with_later AS (
    SELECT ${TREE_COLUMNS}, held_commit, held_at, la_commit AS later_commit, la_at AS later_at
    FROM with_held
    ASOF LEFT JOIN (SELECT repo AS la_repo, path AS la_path, blob AS la_blob, commit AS la_commit, committed_at AS la_at FROM blob_rows
                    WHERE blob IN (SELECT after_hash FROM ${tb.events} WHERE type = 'change.file')) AS la
      ON la.la_repo = with_held.repo AND la.la_path = with_held.repo_path AND la.la_blob = with_held.after AND with_held.t < la.la_at
  ),
  -- One pass of the window over each file's history on each host: the
  -- previous change's time and the next change's facts.
  with_neighbours AS (
    SELECT *,
      (channel IN ('ci-deploy', 'config-mgmt')) AS by_channel,
      (m != 0 AND d_event_id != '' AND d_at >= t - win AND d_commit_known AND tree_blob = after) AS by_tree,
      lagInFrame(t) OVER w AS prev_t,
      leadInFrame(event_id) OVER w AS next_id,
      leadInFrame(t) OVER w AS next_t,
      leadInFrame(after) OVER w AS next_after,
      leadInFrame(toUInt8(channel IN ('ci-deploy', 'config-mgmt'))) OVER w AS next_by_channel,
      leadInFrame(toUInt8(m != 0 AND d_event_id != '' AND d_at >= t - win AND d_commit_known AND tree_blob = after)) OVER w AS next_by_tree,
      leadInFrame(d_at) OVER w AS next_d_at,
      leadInFrame(d_deploy_id) OVER w AS next_d_deploy_id,
      leadInFrame(toUInt8(held_commit != '')) OVER w AS next_held
    FROM with_later
    WINDOW w AS (PARTITION BY env, host, path, m ORDER BY t, event_id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)
  ),
  -- A deploy vouches for the one write it caused: the change must be the
  -- first of this file since the deploy began (a hand edit and its revert a
  -- few minutes after a release are not the release's doing). The next
  -- change's previous change is this one, hence "t < next_d_at".
  timeline AS (
    SELECT *,
      (by_channel OR (by_tree AND prev_t < d_at)) AS sanctioned,
      toUInt8(next_id != '' AND (next_by_channel = 1 OR (next_by_tree = 1 AND t < next_d_at))) AS next_sanctioned,
      if(next_sanctioned = 1, next_d_deploy_id, '') AS next_deploy_id
    FROM with_neighbours
  ),
  accepts AS (
    SELECT substring(resource, ${ACCEPT_RESOURCE_PREFIX.length + 1}) AS target,
           argMax(actor_id, occurred_at) AS accepted_by, argMax(ticket, occurred_at) AS accepted_ticket,
           argMax(reason, occurred_at) AS accepted_note, max(occurred_at) AS accepted_at
    FROM ${tb.events}
    WHERE type = 'audit.view' AND startsWith(resource, '${ACCEPT_RESOURCE_PREFIX}') AND outcome = 'success'
    GROUP BY target
  ),
  facts AS (
    SELECT
      event_id, env, host, service, path, old_path, op, channel,
      toString(t) AS t, before, after, m, repo, repo_path,
      actor_id, attribution_method, attribution_confidence, session_id,
      toUInt8(sanctioned) AS sanctioned,
      if(m = 0, '', d_event_id) AS deploy_event_id, if(m = 0, '', d_deploy_id) AS deploy_id, if(m = 0, '', d_commit) AS deploy_commit,
      toString(d_at) AS deploy_at, toUInt8(d_commit_known) AS deploy_commit_known, tree_blob AS deploy_tree_blob,
      held_commit, toString(held_at) AS held_at, later_commit, toString(later_at) AS later_at,
      next_id, toString(next_t) AS next_t, next_after, next_sanctioned, next_deploy_id, next_held,
      accepted_by, accepted_ticket, accepted_note, toString(accepted_at) AS accepted_at,
      -- What the verdict depends on, over every mapping of this (change, path),
      -- including whether the grace period has passed at {now_ms}.
      toString(sum(cityHash64(m, repo, repo_path, sanctioned, d_event_id, d_commit_known, held_commit, later_commit, later_at,
                               next_id, next_after, next_sanctioned, next_held, accepted_at,
                               toUnixTimestamp64Milli(timeline.t) + {grace_ms:Int64} < {now_ms:Int64}))
               OVER (PARTITION BY event_id, path)) AS fp
    FROM timeline
    LEFT JOIN accepts ON accepts.target = timeline.event_id
  )
-- Only what changed since the stored evaluation (a new fingerprint), plus
-- flagged edits nobody could be attributed to yet (auditd or session data
-- may have arrived late).
SELECT facts.*, st.s_fp AS stored_fp, st.s_actor AS stored_actor
FROM facts
LEFT JOIN (SELECT change_event_id AS s_id, path AS s_path, facts_hash AS s_fp, actor_id AS s_actor, attribution_method AS s_method, flagged AS s_flagged
           FROM ${tb.drift} FINAL WHERE empty({hosts:Array(String)}) OR has({hosts:Array(String)}, host)) AS st
  ON st.s_id = facts.event_id AND st.s_path = facts.path
WHERE st.s_fp != facts.fp OR (st.s_method = 'none' AND st.s_flagged)`,
});
