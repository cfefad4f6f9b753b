import { TABLE_NAMES } from "../store/tables";
import { RuleCompileError } from "./errors";
import { fieldExpression, isEventType, logsourceTypes } from "./fields";
import { MAX_EVIDENCE, WINDOW_PARAMS, type Rule } from "./rule";
import { severityOfRule, type RuleFile } from "./rule-schema";
import { compileDetection } from "./sigma/compile";
import type { EventType } from "../schemas/vocab";

/** A parsed rule file → a Rule (everything but the engine's own check, see check.ts). */
export function compileRule(file: string, r: RuleFile, lineOf: (path: ReadonlyArray<PropertyKey>) => number): Rule {
  const types = eventTypes(r);
  const base = { id: r.id, title: r.title, description: r.description, severity: severityOfRule(r), tags: r.tags, file, path: "", types, lookbackMinutes: r.lookback_minutes };
  if (r.query !== undefined) {
    checkPlaceholders(r.query, r);
    const params = Object.fromEntries(Object.entries(r.params).map(([name, p]) => [name, { type: p.type, value: p.default }]));
    return { ...base, kind: "sql", sql: r.query, params, line: lineOf(["query"]) };
  }
  const match = compileDetection(r.detection ?? {});
  const keys = (r.group_by ?? ["actor_id", "host"]).map((name, i) => {
    const expr = fieldExpression(name);
    if (expr === undefined) throw new RuleCompileError(`group_by: unknown field '${name}'`, ["group_by", i]);
    return `toString(${expr})`;
  });
  // The inner query renames what the outer one aggregates: an outer alias such as `host` would otherwise shadow the column in WHERE.
  const sql = `
    SELECT _key AS group_key, min(_t) AS occurred_at, any(_actor) AS actor_id, any(_host) AS host, any(_env) AS env, any(_ip) AS source_ip,
           groupUniqArray(${MAX_EVIDENCE})(_id) AS event_ids,
           concat(toString(uniqExact(_id)), ' matching event(s) by ', any(_actor), ' on ', any(_host), ': ', any(_what)) AS summary
    FROM (
      SELECT event_id AS _id, occurred_at AS _t, actor_id AS _actor, toString(host) AS _host, toString(env) AS _env, source_ip AS _ip,
             if(command != '', command, if(path != '', path, type)) AS _what,
             concat(${[...keys, "toString(toStartOfHour(occurred_at))"].join(", '|', ")}) AS _key
      FROM {{events}}
      WHERE received_at >= {from:DateTime64(3)} AND received_at < {to:DateTime64(3)}
        AND type IN {types:Array(String)}
        AND ${match.where}
    )
    GROUP BY _key`;
  const params = Object.fromEntries(Object.entries(match.params).map(([name, value]) => [name, { type: "String" as const, value }]));
  return { ...base, kind: "match", sql, params: { ...params, types: { type: "Array(String)", value: types } }, line: lineOf(["detection"]) };
}

function eventTypes(r: RuleFile): EventType[] {
  if (r.events !== undefined) {
    return r.events.map((t, i) => {
      if (!isEventType(t)) throw new RuleCompileError(`events: unknown event type '${t}'`, ["events", i]);
      return t;
    });
  }
  const source = r.logsource ?? {};
  const types = logsourceTypes(source);
  if (types === undefined) throw new RuleCompileError(`logsource ${JSON.stringify(source)} is not collected by prodtrail (see detections/FIELDS.md)`, ["logsource"]);
  return types;
}

const PLACEHOLDER = /\{(\w+):([^{}]+)\}/g;
const TABLE_PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** Only the window, declared parameters with their declared types, and known tables. */
function checkPlaceholders(sql: string, r: RuleFile): void {
  // Comments may say anything (a ';' included); the statement checks read the SQL without them.
  const code = sql.replace(/--[^\n]*/g, "");
  if (!/^\s*(SELECT|WITH)\b/i.test(code)) throw new RuleCompileError("a query must be one SELECT (or WITH … SELECT)", ["query"]);
  if (/;/.test(code.replace(/'(?:[^'\\]|\\.)*'/g, "''"))) throw new RuleCompileError("a query must be one statement, without ';'", ["query"]);
  for (const [, table = ""] of sql.matchAll(TABLE_PLACEHOLDER)) {
    if (!(TABLE_NAMES as readonly string[]).includes(table)) throw new RuleCompileError(`unknown table {{${table}}}; tables are ${TABLE_NAMES.join(", ")}`, ["query"]);
  }
  const withoutTables = sql.replace(TABLE_PLACEHOLDER, "");
  for (const [, name = "", type = ""] of withoutTables.matchAll(PLACEHOLDER)) {
    const windowType = name in WINDOW_PARAMS ? WINDOW_PARAMS[name === "from" ? "from" : "to"] : undefined;
    const declared = windowType ?? r.params[name]?.type;
    if (declared === undefined) throw new RuleCompileError(`parameter {${name}:${type}} is not declared under 'params' (only {from:DateTime64(3)}, {to:DateTime64(3)} and declared ones)`, ["query"]);
    const normal = (t: string) => t.replace(/\s+/g, "").replace(/^DateTime64$/, "DateTime64(3)");
    if (normal(type) !== normal(declared)) throw new RuleCompileError(`parameter ${name} is used as ${type} but declared as ${declared}`, ["query"]);
  }
}
