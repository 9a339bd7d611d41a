/**
 * status.ts as the store's Lua scripts read it. A script cannot call `ownerAfter`, so for each target
 * status this module derives, once at load time and from STATUS_TABLE alone, the few strings a script
 * needs to decide whether a move is allowed and who owns the invocation after it, and writes them into
 * the scripts as Lua constants (`LUA_RULES`, put where a script has the line `--#rules`, scripts.ts): a
 * call carries no rule in its arguments, and a change to status.ts changes the scripts' SHAs. When a
 * script refuses a move it answers with the stored status and owner, and `throwRefusal` runs status.ts
 * on them: the error thrown is the very one (class and message) the other stores throw.
 */
import { BackendError, InvocationNotFoundError } from "../../errors/errors.js";
import {
  FINAL_STATUSES,
  INITIAL_STATUS,
  InvocationStatus,
  Ownership,
  RUNNABLE_STATUSES,
  STATUS_TABLE,
  WAIT_READY_STATUSES,
  isWaitReady,
  ownerAfter,
  ownerAfterResume,
  refuseUnderCancel,
} from "../../invocation/status.js";

const S = InvocationStatus;
const STATUSES = Object.keys(STATUS_TABLE) as InvocationStatus[];

/** The statuses in which an invocation holds its running key (the store contract: claimed or running). */
const HOLDS_RUNNING_KEY: ReadonlySet<InvocationStatus> = new Set([S.PENDING, S.RUNNING]);

/**
 * A move to one status, as a script reads it: [to, from, ownerFrom, owner, flags]. `from` lists the
 * statuses it may come from and `ownerFrom` those of them whose owner must be the acting runner, as
 * " A B " (a script looks for " X "). `owner` is the owner after: "take" (the acting runner), "keep" or
 * "clear". `flags` holds a letter per property of the target: F final, R in the ready set when waited
 * on (runnable, but not RETRY: status.ts WAIT_READY_STATUSES), X refused under a cancel request,
 * K holds its running key, P parked on its running key, S success (the call's cached result).
 */
export type MoveRule = readonly [string, string, string, string, string];

function words(statuses: readonly string[]): string {
  return ` ${statuses.join(" ")} `;
}

/** status.ts keeps its list private and exposes the check: ask it. */
function refusedUnderCancel(to: InvocationStatus): boolean {
  try {
    refuseUnderCancel("", to);
    return false;
  } catch {
    return true;
  }
}

function ruleFor(to: InvocationStatus): MoveRule {
  const target = STATUS_TABLE[to];
  const from = STATUSES.filter((s) => STATUS_TABLE[s].next.includes(to));
  // As ownerAfter: moving to an overriding status ignores the owner; otherwise an owned one needs it.
  const ownerFrom =
    target.ownership === Ownership.overrides
      ? []
      : from.filter((s) => {
          const ownership = STATUS_TABLE[s].ownership;
          return ownership === Ownership.requires || ownership === Ownership.acquires;
        });
  const owner =
    target.ownership === Ownership.acquires
      ? "take"
      : target.ownership === Ownership.requires
        ? "keep"
        : "clear";
  const flags = [
    target.final ? "F" : "",
    isWaitReady(to) ? "R" : "",
    refusedUnderCancel(to) ? "X" : "",
    HOLDS_RUNNING_KEY.has(to) ? "K" : "",
    to === S.CONCURRENCY_CONTROLLED ? "P" : "",
    to === S.SUCCESS ? "S" : "",
  ].join("");
  return [to, words(from), words(ownerFrom), owner, flags];
}

const RULES = new Map(STATUSES.map((s) => [s, ruleFor(s)]));

export function moveRule(to: InvocationStatus): MoveRule {
  const rule = RULES.get(to);
  if (!rule) throw new BackendError(`Unknown status ${String(to)}: it is not in status.ts STATUS_TABLE`);
  return rule;
}

/** " REGISTERED REROUTED RETRY ": what `claim` may take. */
const RUNNABLE_WORDS = words(RUNNABLE_STATUSES);
/** " REGISTERED REROUTED ": what the ready set may hold (a retry waits for its route: status.ts). */
const WAIT_READY_WORDS = words(WAIT_READY_STATUSES);
/** The final statuses, for `requestCancel` (a final invocation is not marked). */
const FINAL_WORDS = words(FINAL_STATUSES);

/**
 * The unfinished statuses whose only final successor is CANCELLED (KILLED, REROUTED, the recoveries,
 * ...): nobody but a canceller can end such an invocation, so an outcome stored while it is in one is
 * what an attempt wrote before its final move was refused (state-set-outcome-1.lua replaces it).
 */
const ONLY_CANCEL_ENDS_WORDS = words(
  STATUSES.filter((s) => {
    const { final, next } = STATUS_TABLE[s];
    return !final && next.every((to) => to === S.CANCELLED || !STATUS_TABLE[to].final);
  }),
);

/** A Lua string literal of `text` (statuses and rule words: no quote or backslash, checked anyway). */
function luaString(text: string): string {
  if (!/^[A-Za-z_ ]*$/.test(text))
    throw new BackendError(`Cannot write ${JSON.stringify(text)} into a Lua script`);
  return `'${text}'`;
}

function luaRule(rule: MoveRule): string {
  const [to, from, ownerFrom, owner, flags] = rule.map(luaString);
  return `{ to = ${to}, from = ${from}, ownerFrom = ${ownerFrom}, owner = ${owner}, flags = ${flags} }`;
}

/**
 * The Lua every script that moves statuses or reads status lists starts with (at its `--#rules` line):
 * the status lists as constants and `rule(to)`, the move to status `to` as a table with the fields of
 * MoveRule, built at most once per call and only for the statuses the call moves to. An unknown status
 * raises an error that names it.
 */
export const LUA_RULES = [
  "-- status.ts's rules, written into the script by redis-store-rules.ts (LUA_RULES) when it is read.",
  `local INITIAL_STATUS = ${luaString(INITIAL_STATUS)}`,
  `local RUNNABLE_WORDS = ${luaString(RUNNABLE_WORDS)}`,
  `local WAIT_READY_WORDS = ${luaString(WAIT_READY_WORDS)}`,
  `local FINAL_WORDS = ${luaString(FINAL_WORDS)}`,
  `local ONLY_CANCEL_ENDS_WORDS = ${luaString(ONLY_CANCEL_ENDS_WORDS)}`,
  "local rulesMade = {}",
  "local function rule(to)",
  "  local made = rulesMade[to]",
  "  if made then return made end",
  ...STATUSES.map(
    (s, i) => `  ${i === 0 ? "if" : "elseif"} to == ${luaString(s)} then made = ${luaRule(moveRule(s))}`,
  ),
  "  else error('tynenc: no status ' .. tostring(to) .. ' in status.ts: the caller and the scripts disagree') end",
  "  rulesMade[to] = made",
  "  return made",
  "end",
].join("\n");

/** Why a script did not apply a move: ["ERR", reason, stored status, stored owner, id (claim)]. */
export type Refusal = readonly ["ERR", "notfound" | "invalid" | "cancel", string?, string?, string?];

export function isRefusal(answer: unknown): answer is Refusal {
  return Array.isArray(answer) && answer[0] === "ERR";
}

/**
 * Throws the error status.ts gives for the refused move of `id` to `to` (`resume`: the resume check).
 * Scripts store "" for "no owner"; runner ids are never empty.
 */
export function throwRefusal(
  refusal: Refusal,
  id: string,
  to: InvocationStatus,
  runnerId: string | null,
  where: string,
  resume = false,
): never {
  const [, reason, status, owner] = refusal;
  if (reason === "notfound") {
    throw new InvocationNotFoundError(`No invocation with id ${id} in the redis backend (${where})`);
  }
  const current = status as InvocationStatus;
  const stored = owner ? owner : null;
  if (reason === "cancel") refuseUnderCancel(id, to);
  else if (resume) ownerAfterResume(id, current, stored, runnerId ?? "");
  else ownerAfter(id, current, stored, to, runnerId);
  throw new BackendError(
    `The redis store refused moving invocation ${id} from ${current} to ${to} (${reason}) although status.ts allows it: its scripts are out of date with status.ts`,
  );
}
