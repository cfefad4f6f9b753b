import { z } from "zod";
import { defineQuery } from "../store/query";
import type { Store } from "../store/open";

/**
 * Who made a direct edit, best evidence first (DESIGN.md):
 *   1. auditd who-data: an event recorded with the login uid (method "auid"
 *      — the change itself, or an exec/privilege event) on the same host,
 *      naming the path, within 5 min — auid survives sudo, so it names the
 *      person, not root. Confidence 0.95.
 *   2. the person who ran a command naming the path (sudo vim /etc/…, or
 *      `sudo vi nginx.conf` from /etc/nginx: the command's cwd label) in the
 *      4 hours before the write (an editor stays open that long at most).
 *      Confidence 0.8. sudo logs no session id (it does not know sshd's), so
 *      the session is that person's login session open on the host then.
 *   3. the only interactive session open on the host then. Confidence 0.5.
 *   4. otherwise "unknown", confidence 0 — never root or a service account
 *      standing in for a person.
 */
export interface Attribution {
  actorId: string;
  /** An ATTRIBUTION_METHODS value (schemas/vocab.ts). */
  method: string;
  confidence: number;
  sessionId: string;
  evidence: string;
}

const WHO_DATA_WINDOW_S = 300;
const COMMAND_LOOKBACK_S = 4 * 3600;
/** A login without a logout counts as open for a day: sshd sessions rarely outlive one, and a lost logout must not pin a host forever. */
const SESSION_MAX_S = 86_400;

const row = z.object({
  event_id: z.string(),
  who_actor: z.string(),
  who_session: z.string(),
  who_event: z.string(),
  cmd_actor: z.string(),
  cmd_session: z.string(),
  cmd_event: z.string(),
  open_actors: z.array(z.string()),
  open_sessions: z.array(z.string()),
  cmd_login_session: z.string(),
});

const NOT_A_PERSON = "('', 'unknown', 'root')";

export const attributionQuery = defineQuery({
  name: "drift.attribution",
  params: z.object({ ids: z.array(z.string()) }),
  row,
  sql: (tb) => `
WITH
  targets AS (
    SELECT DISTINCT event_id, env, host, path, occurred_at AS t FROM ${tb.events}
    WHERE type = 'change.file' AND event_id IN {ids:Array(String)}
  ),
  nearby AS (
    SELECT event_id AS e_id, type AS e_type, host AS e_host, occurred_at AS e_t, actor_id AS e_actor, actor_kind AS e_kind,
           attribution_method AS e_method, session_id AS e_session, path AS e_path, resource AS e_resource, command AS e_command,
           labels['cwd'] AS e_cwd
    FROM ${tb.events}
    WHERE host IN (SELECT host FROM targets) AND category IN ('access', 'change')
      AND occurred_at BETWEEN (SELECT min(t) FROM targets) - toIntervalSecond(${COMMAND_LOOKBACK_S + SESSION_MAX_S})
                          AND (SELECT max(t) FROM targets) + toIntervalSecond(${WHO_DATA_WINDOW_S})
  ),
  who AS (
    SELECT event_id, argMin(e_actor, abs(dateDiff('millisecond', e_t, t))) AS who_actor,
           argMin(e_session, abs(dateDiff('millisecond', e_t, t))) AS who_session,
           argMin(e_id, abs(dateDiff('millisecond', e_t, t))) AS who_event
    FROM targets INNER JOIN nearby ON nearby.e_host = targets.host
    WHERE e_method = 'auid' AND e_actor NOT IN ${NOT_A_PERSON}
      AND abs(dateDiff('second', e_t, t)) <= ${WHO_DATA_WINDOW_S}
      AND (e_path = path OR e_resource = path OR position(e_command, path) > 0)
    GROUP BY event_id
  ),
  cmd AS (
    SELECT event_id, argMax(e_actor, e_t) AS cmd_actor, argMax(e_session, e_t) AS cmd_session, argMax(e_id, e_t) AS cmd_event
    FROM targets INNER JOIN nearby ON nearby.e_host = targets.host
    WHERE e_kind = 'human' AND e_actor NOT IN ${NOT_A_PERSON} AND e_command != ''
      AND e_t BETWEEN t - toIntervalSecond(${COMMAND_LOOKBACK_S}) AND t + toIntervalSecond(60)
      AND (position(e_command, path) > 0
           OR (e_cwd != '' AND startsWith(path, concat(e_cwd, '/')) AND position(e_command, concat(' ', substring(path, length(e_cwd) + 2))) > 0))
    GROUP BY event_id
  ),
  sessions AS (
    SELECT e_host AS s_host, e_session AS s_id, anyIf(e_actor, e_type = 'access.login') AS s_actor,
           minIf(e_t, e_type = 'access.login') AS s_from,
           if(countIf(e_type = 'access.logout') > 0, maxIf(e_t, e_type = 'access.logout'), s_from + toIntervalSecond(${SESSION_MAX_S})) AS s_to
    FROM nearby
    WHERE e_session != '' AND e_type IN ('access.login', 'access.logout')
    GROUP BY s_host, s_id
    HAVING countIf(e_type = 'access.login') > 0 AND s_actor NOT IN ${NOT_A_PERSON}
  ),
  open AS (
    SELECT event_id, groupUniqArray(s_actor) AS open_actors, groupUniqArray(s_id) AS open_sessions,
           groupUniqArray(tuple(s_actor, s_id)) AS open_pairs
    FROM targets INNER JOIN sessions ON sessions.s_host = targets.host
    WHERE s_from <= t AND s_to >= t
    GROUP BY event_id
  )
SELECT targets.event_id AS event_id,
       who.who_actor AS who_actor, who.who_session AS who_session, who.who_event AS who_event,
       cmd.cmd_actor AS cmd_actor, cmd.cmd_session AS cmd_session, cmd.cmd_event AS cmd_event,
       open.open_actors AS open_actors, open.open_sessions AS open_sessions,
       -- The commander's own login session, when the command carried none (sudo) and exactly one of theirs was open.
       if(cmd.cmd_session = '' AND length(arrayFilter(p -> p.1 = cmd.cmd_actor, open.open_pairs)) = 1,
          arrayFilter(p -> p.1 = cmd.cmd_actor, open.open_pairs)[1].2, '') AS cmd_login_session
FROM targets
LEFT JOIN who ON who.event_id = targets.event_id
LEFT JOIN cmd ON cmd.event_id = targets.event_id
LEFT JOIN open ON open.event_id = targets.event_id`,
});

export function pickAttribution(r: z.output<typeof row>): Attribution {
  if (r.who_actor !== "") return { actorId: r.who_actor, method: "auid", confidence: 0.95, sessionId: r.who_session, evidence: `auditd who-data (auid) in event ${r.who_event}` };
  if (r.cmd_actor !== "") {
    const sessionId = r.cmd_session || r.cmd_login_session;
    const where = r.cmd_session !== "" ? `session ${r.cmd_session}` : sessionId !== "" ? `${r.cmd_actor} (login session ${sessionId})` : r.cmd_actor;
    return { actorId: r.cmd_actor, method: "session-inferred", confidence: 0.8, sessionId, evidence: `${where} ran a command naming the path (event ${r.cmd_event})` };
  }
  const [only, ...others] = r.open_actors;
  if (only !== undefined && others.length === 0) {
    return { actorId: only, method: "session-inferred", confidence: 0.5, sessionId: r.open_sessions.length === 1 ? (r.open_sessions[0] ?? "") : "", evidence: `the only interactive session on the host at the time` };
  }
  const why = r.open_actors.length > 1 ? `${r.open_actors.length} people had sessions open` : "no who-data, no command naming the path, no open session";
  return { actorId: "unknown", method: "none", confidence: 0, sessionId: "", evidence: why };
}

/** Attributes a batch of changes; ids the store does not hold come back "unknown". */
export async function attribute(store: Store, ids: readonly string[]): Promise<Map<string, Attribution>> {
  const out = new Map<string, Attribution>();
  const CHUNK = 5000;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await attributionQuery(store, { ids: ids.slice(i, i + CHUNK) });
    for (const r of rows) out.set(r.event_id, pickAttribution(r));
  }
  return out;
}
