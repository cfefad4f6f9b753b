import { z } from "zod";
import { defineQuery } from "../store/query";

/**
 * The heavy lifting of the drift engine, in one ClickHouse query: every
 * `change.file` (renames split into "new path gets content" + "old path
 * deleted"; an auditd write of a path the files collector also reports is
 * evidence for attribution, not a second edit), expanded over the path
 * mappings that cover it, joined with
 *   - every deploy of the mapped repository to the host within the deploy
 *     window (the candidates; which of them wrote the content is decided
 *     in deploys.ts against the deployed commit's tree, resolved through the
 *     repository graph in trees.ts — never by commit timestamps);
 *   - the latest commit holding the same blob at that path at or before the
 *     edit (matches codebase) and the first one after it (backport);
 *   - the next change of the same file on the same host (window function):
 *     what overwrote, reverted or superseded it;
 *   - the latest acceptance of the edit.
 * The result is one row of facts per (change, path, mapping) whose
 * fingerprint differs from the stored evaluation's; the state machine in
 * classify.ts turns facts into a state. `blob = ''` stands for
 * "absent" on both sides: a deletion on the host matches a deletion in the
 * repository (code_deletes) and a deployed tree without the path.
 */
const ts = z.string();
const candidate = z.tuple([z.string(), z.string(), z.string(), ts, ts, z.coerce.number().int(), z.string(), z.string(), z.coerce.number()]);
export type DeployCandidateRow = z.output<typeof candidate>;
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
  prev_t: ts,
  /** Deploys of the mapped repository to the host within the window: (event id, deploy id, commit, at, commit time, commit indexed, deployer, its attribution method and confidence). */
  cands: z.array(candidate),
  /** When the repository first had a file at repo_path ('' or 1970: never). */
  path_first_at: ts,
  held_commit: z.string(),
  held_at: ts,
  later_commit: z.string(),
  later_at: ts,
  next_id: z.string(),
  next_t: ts,
  next_after: z.string(),
  next_channel: z.string(),
  next_cands: z.array(candidate),
  next_held: z.coerce.number().int(),
  /** The first commit bringing the next change's content after it ('' when none): the next edit was backported. */
  next_later: z.string(),
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
/** What the SQL returns; deploys.ts adds which deploy (if any) wrote the content, giving Facts. */
export type FactsRow = z.output<typeof factsRow>;

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
  "session_id", "path", "after", "before", "old_path", "m", "repo", "repo_path",
].join(", ");

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
  toInt64({window_s:UInt32}) AS win_s,
  -- Deploys are joined by time bucket (equi-join, then the exact window): a
  -- bucket at least a minute wide, each deploy in its bucket and both
  -- neighbours, so every deploy within the window of a change shares a bucket with it.
  toInt64(greatest({window_s:UInt32}, 60)) AS bucket_s,
  blob_rows AS (
    -- No FINAL: a duplicate row (a commit indexed twice) is identical, and an ASOF match on either is the same answer.
    SELECT repo, path, blob, commit, committed_at FROM ${tb.code_blobs}
    UNION ALL
    SELECT repo, path, '' AS blob, commit, committed_at FROM ${tb.code_deletes}
  ),
  content_paths AS (
    SELECT DISTINCT host, path FROM ${tb.events}
    WHERE type = 'change.file' AND (after_hash != '' OR before_hash != '') AND (empty({hosts:Array(String)}) OR has({hosts:Array(String)}, host))
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
        -- auditd sees the syscall, not the content: where the files collector reports the path's content, the auditd record is who-data (attribution.ts), not a second edit.
        AND NOT (labels['source'] = 'auditd' AND after_hash = '' AND before_hash = '' AND (host, path) IN (SELECT host, path FROM content_paths))
    )
    ARRAY JOIN if(op = 'rename' AND c_old_path != '',
                  [tuple(c_path, c_after, '', c_old_path), tuple(c_old_path, '', c_before, c_path)],
                  [tuple(c_path, c_after, c_before, '')]) AS side
  ),
  mapped AS (
    SELECT *, arrayJoin(if(empty(hits), [0], hits)) AS m,
           if(m = 0, '', arrayElement(mr, m)) AS repo,
           if(m = 0, '', concat(arrayElement(mrp, m), substring(path, length(arrayElement(mhp, m)) + 1))) AS repo_path
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
           event_id AS d_event_id, occurred_at AS d_at, intDiv(toUnixTimestamp(occurred_at), bucket_s) + arrayJoin([-1, 0, 1]) AS d_bucket,
           actor_id AS d_actor, toString(attribution_method) AS d_method, attribution_confidence AS d_confidence
    FROM ${tb.events} FINAL WHERE type = 'deploy.release' AND outcome != 'failure'
  ),
  deploy_commits AS (
    SELECT repo AS cc_repo, commit AS cc_commit, min(committed_at) AS cc_at FROM ${tb.code_commits}
    WHERE commit IN (SELECT d_commit FROM deploys) GROUP BY repo, commit
  ),
  cands AS (
    SELECT event_id AS c_id, path AS c_path, m AS c_m,
           arraySort(x -> x.4, groupArray(tuple(d_event_id, d_deploy_id, d_commit, toString(d_at), toString(cc_at), toUInt8(cc_commit != ''), d_actor, d_method, d_confidence))) AS c_list
    FROM (SELECT event_id, path, m, env, host, repo, t FROM mapped WHERE m != 0) AS mc
    INNER JOIN deploys ON mc.env = deploys.d_env AND mc.host = deploys.d_host AND mc.repo = deploys.d_repo
                      AND intDiv(toUnixTimestamp(mc.t), bucket_s) = deploys.d_bucket
    LEFT JOIN deploy_commits ON deploy_commits.cc_repo = deploys.d_repo AND deploy_commits.cc_commit = deploys.d_commit
    WHERE abs(dateDiff('millisecond', deploys.d_at, mc.t)) <= win_s * 1000
    GROUP BY event_id, path, m
  ),
  with_cands AS (
    SELECT ${MAPPED_COLUMNS}, cands.c_list AS cands
    FROM mapped LEFT JOIN cands ON cands.c_id = mapped.event_id AND cands.c_path = mapped.path AND cands.c_m = mapped.m
  ),
  with_first AS (
    SELECT ${MAPPED_COLUMNS}, cands, pf.pf_at AS path_first_at
    FROM with_cands
    LEFT JOIN (SELECT repo AS pf_repo, path AS pf_path, min(committed_at) AS pf_at FROM ${tb.code_blobs}
               WHERE (repo, path) IN (SELECT repo, repo_path FROM mapped WHERE after = '' AND m != 0) GROUP BY repo, path) AS pf
      ON pf.pf_repo = with_cands.repo AND pf.pf_path = with_cands.repo_path
  ),
  with_held AS (
    SELECT ${MAPPED_COLUMNS}, cands, path_first_at, hb_commit AS held_commit, hb_at AS held_at
    FROM with_first
    ASOF LEFT JOIN (SELECT repo AS hb_repo, path AS hb_path, blob AS hb_blob, commit AS hb_commit, committed_at AS hb_at FROM blob_rows
                    WHERE blob IN (SELECT after_hash FROM ${tb.events} WHERE type = 'change.file')) AS hb
      ON hb.hb_repo = with_first.repo AND hb.hb_path = with_first.repo_path AND hb.hb_blob = with_first.after AND with_first.t >= hb.hb_at
  ),
  with_later AS (
    SELECT ${MAPPED_COLUMNS}, cands, path_first_at, held_commit, held_at, la_commit AS later_commit, la_at AS later_at
    FROM with_held
    ASOF LEFT JOIN (SELECT repo AS la_repo, path AS la_path, blob AS la_blob, commit AS la_commit, committed_at AS la_at FROM blob_rows
                    WHERE blob IN (SELECT after_hash FROM ${tb.events} WHERE type = 'change.file')) AS la
      ON la.la_repo = with_held.repo AND la.la_path = with_held.repo_path AND la.la_blob = with_held.after AND with_held.t < la.la_at
  ),
  -- One pass of the window over each file's history on each host: the
  -- previous change's time and the next change's facts.
  timeline AS (
    SELECT *,
      lagInFrame(t) OVER w AS prev_t,
      leadInFrame(event_id) OVER w AS next_id,
      leadInFrame(t) OVER w AS next_t,
      leadInFrame(after) OVER w AS next_after,
      leadInFrame(channel) OVER w AS next_channel,
      leadInFrame(cands) OVER w AS next_cands,
      leadInFrame(toUInt8(held_commit != '')) OVER w AS next_held,
      leadInFrame(later_commit) OVER w AS next_later
    FROM with_later
    WINDOW w AS (PARTITION BY env, host, path, m ORDER BY t, event_id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)
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
      toString(prev_t) AS prev_t, cands, toString(path_first_at) AS path_first_at,
      held_commit, toString(held_at) AS held_at, later_commit, toString(later_at) AS later_at,
      next_id, toString(next_t) AS next_t, next_after, next_channel, next_cands, next_held, next_later,
      accepted_by, accepted_ticket, accepted_note, toString(accepted_at) AS accepted_at,
      -- What the verdict depends on, over every mapping of this (change, path),
      -- including whether the grace period has passed at {now_ms}. A commit's
      -- tree never changes once indexed, so the candidates' commits and their
      -- "indexed" bit stand for the trees deploys.ts resolves.
      toString(sum(cityHash64(m, repo, repo_path, prev_t, cands, path_first_at, held_commit, later_commit, later_at,
                               next_id, next_after, next_channel, next_cands, next_held, next_later, accepted_at,
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
