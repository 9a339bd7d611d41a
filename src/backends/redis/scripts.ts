/**
 * The backend's Lua scripts, one per file in `lua/` (copied next to the compiled code by the build).
 * Each is read once and then run in one of two forms, one round trip per call whatever its size:
 *
 * - **A Redis Function** (Redis 7 and later, the default): each script is a library of its own, loaded
 *   once with FUNCTION LOAD and called by name with FCALL. What a script defines before its line
 *   `--#call` (helpers, constants, the status rules) is made once, when the library loads; only what
 *   follows the line runs on each call. A script without the line runs whole on each call. The
 *   definitions read the call's KEYS and ARGV, and the per-call values the script declares before the
 *   line and assigns after it, through the library's own locals, set on entry; caches an include keeps
 *   for one call are emptied there (its lines between `--#each` and `--#end`). This saves each call the
 *   making of its helpers (dozens of closures and tables in the store's scripts) and their garbage.
 * - **A script** (EVALSHA by SHA; EVAL once on a NOSCRIPT answer, which also caches it): where Redis has no
 *   FCALL (before 7), the user may not run FCALL or FUNCTION (an ACL), the client is an ioredis Cluster
 *   (the library would have to be loaded on every master), or `TYNENC_REDIS_SCRIPTS=eval` asks for it. The
 *   source is the file as written: `--#call`, `--#each` and `--#end` are comments, every line runs on
 *   every call.
 *
 * Helpers shared by several scripts live in `lua/include/`: a line `--#include include/<file>.lua` is
 * replaced by that file when the script is read (an include may include others; each file comes in once,
 * where it is first named), so a helper is written once. Then a
 * line `--#rules` (in a script or in what it included) is replaced by the status rules of status.ts as
 * Lua constants (redis-store-rules.ts, LUA_RULES).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import type { RedisClient } from "./driver.js";
import { LUA_RULES } from "./redis-store-rules.js";
import { isCluster } from "./scan.js";

const LUA_DIR = new URL("./lua/", import.meta.url);

export interface Script {
  /** The script as EVAL runs it. */
  readonly source: string;
  /** Its SHA1 (EVALSHA). */
  readonly sha: string;
  /** Its function's name (FCALL), which is also its library's: the file's name and the SHA's start. */
  readonly fn: string;
  /** Its library (FUNCTION LOAD). */
  readonly library: string;
}

const sources = new Map<string, Script>();
/** The scripts read so far by what calls them: function name and SHA. */
const called = new Map<string, string>();

/** The script `name` (lua/<name>.lua), read once per process. */
export function script(name: string): Script {
  let found = sources.get(name);
  if (!found) {
    const source = withIncludes(readFileSync(new URL(`${name}.lua`, LUA_DIR), "utf8"), new Set()).replace(
      /^--#rules$/gm,
      () => LUA_RULES,
    );
    const sha = createHash("sha1").update(source).digest("hex");
    const fn = `tynenc_${name.replace(/\W/g, "_")}_${sha.slice(0, 16)}`;
    found = { source, sha, fn, library: libraryOf(name, source, fn) };
    sources.set(name, found);
    called.set(fn, name).set(sha, name);
  }
  return found;
}

/** `text` with each `--#include <file>` line replaced by that file (itself expanded), each file once. */
function withIncludes(text: string, included: Set<string>): string {
  return text.replace(/^--#include (\S+)$/gm, (_line, file: string) => {
    if (included.has(file)) return `-- ${file}: included above`;
    included.add(file);
    return withIncludes(readFileSync(new URL(file, LUA_DIR), "utf8"), included);
  });
}

/** Every script's name (its file in lua/, without ".lua"). */
export function scriptNames(): string[] {
  return readdirSync(LUA_DIR)
    .filter((file) => file.endsWith(".lua"))
    .map((file) => file.slice(0, -".lua".length));
}

let allRead = false;

/**
 * The script (its file's name) that the command `command` with first argument `first` runs (FCALL by
 * function name, EVALSHA by SHA); undefined for any other command. For the tests and benches that count
 * calls (the first one not found reads every script).
 */
export function calledScript(command: string, first: unknown): string | undefined {
  const lower = command.toLowerCase();
  if (lower !== "fcall" && lower !== "evalsha") return undefined;
  const found = called.get(String(first));
  if (found !== undefined || allRead) return found;
  allRead = true;
  for (const name of scriptNames()) script(name);
  return called.get(String(first));
}

/** The library of script `name` (see the header): definitions once, the rest per call. */
function libraryOf(name: string, source: string, fn: string): string {
  const lines = source.split("\n");
  const at = lines.indexOf("--#call");
  if (lines.indexOf("--#call", at + 1) !== -1) throw new Error(`lua/${name}.lua: more than one --#call line`);
  const head = at === -1 ? [] : lines.slice(0, at);
  const body = at === -1 ? lines : lines.slice(at + 1);
  // The --#each blocks of the definitions run on entry, before the body, in the order written.
  const defs: string[] = [];
  const each: string[] = [];
  let into = defs;
  for (const line of head) {
    if (line === "--#each") into = each;
    else if (line === "--#end") into = defs;
    else into.push(line);
  }
  if (into !== defs) throw new Error(`lua/${name}.lua: a --#each block without its --#end line`);
  return [
    `#!lua name=${fn}`,
    "local register = redis.register_function",
    `local function runtime() return ${GLOBALS} end`,
    `local KEYS, ARGV, ${GLOBALS}`,
    ...defs,
    `register('${fn}', function(keys, args)`,
    `if not redis then ${GLOBALS} = runtime() end`,
    "KEYS, ARGV = keys, args",
    ...each,
    ...body,
    "end)",
    "",
  ].join("\n");
}

/**
 * The globals the scripts use, held in locals of each library. A function reads a global through its
 * library's environment (a table that only points to the API), slower than a local; and at load time
 * only part of the API is there (no `redis.call`, no `string`), so they are taken on the first call.
 */
const GLOBALS =
  "redis, string, table, math, cjson, tonumber, tostring, type, ipairs, select, unpack, next, error, pcall";

/**
 * The script calls (and any other command) sent in one turn of the event loop go out in one socket write:
 * the first corks the connection's socket and the end of the turn (process.nextTick, after the
 * microtasks) uncorks it. A runner's registration of the children a task awaits and the pause that
 * follows it (made in the same turn) then cost one write instead of two; on a VM a write to a loopback
 * socket costs tens of µs. Order is kept: the socket sends in the order written.
 */
export function batchWrites(client: RedisClient): void {
  const stream = (client as unknown as { stream?: Writable }).stream;
  if (stream === undefined || stream.writableCorked > 0 || !stream.writable) return;
  stream.cork();
  process.nextTick(uncork, stream);
}

function uncork(stream: Writable): void {
  stream.uncork();
}

type Mode = "function" | "eval";

/** How each client runs the scripts, once known (see the header); unknown: functions are tried first. */
const modes = new WeakMap<RedisClient, Mode>();

function modeOf(client: RedisClient): Mode | undefined {
  const known = modes.get(client);
  if (known !== undefined) return known;
  if (process.env.TYNENC_REDIS_SCRIPTS === "eval" || isCluster(client)) {
    modes.set(client, "eval");
    return "eval";
  }
  return undefined;
}

/** Whether `client` runs the scripts as functions (FCALL), once its first script call has told. */
export function runsFunctions(client: RedisClient): boolean {
  return modes.get(client) === "function";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An answer saying this server (before Redis 7) or this user (an ACL) cannot run FCALL or FUNCTION: the
 * scripts go as EVALSHA instead. A refusal of a key is not one: EVALSHA would meet it too.
 */
function noFunctions(error: unknown): boolean {
  return /^ERR unknown command|^NOPERM.*'(?:fcall|function)/i.test(messageOf(error));
}

/** The answer to an FCALL of a function this server does not hold (never loaded, or lost in a restart). */
function functionNotFound(error: unknown): boolean {
  return /^ERR Function not found/i.test(messageOf(error));
}

function noScript(error: unknown): boolean {
  return messageOf(error).startsWith("NOSCRIPT");
}

/**
 * Loads the library of `name` into Redis (FUNCTION LOAD; one loaded before, by this process or another,
 * stays). False when this server or user cannot load functions (the client then runs EVALSHA).
 */
async function loadLibrary(client: RedisClient, name: string): Promise<boolean> {
  try {
    await client.call("FUNCTION", ["LOAD", script(name).library]);
  } catch (error) {
    if (/already exists/i.test(messageOf(error))) return true;
    if (noFunctions(error)) return false;
    throw error;
  }
  return true;
}

/** FCALL of function `fn`; its first answer tells that `client` runs the scripts as functions. */
async function fcall(
  client: RedisClient,
  call: RedisClient["call"],
  fn: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  // One array argument: spread into the call, a long list of ids would overflow the stack.
  const answer = await call("FCALL", [fn, keys.length, ...keys, ...args]);
  if (!modes.has(client)) modes.set(client, "function");
  return answer;
}

/**
 * Run script `name` with `keys` and `args` (see the header for its form): a Redis that does not know it
 * yet (first call, a restart, FUNCTION FLUSH or SCRIPT FLUSH) gets it once and the call is made again.
 * With `buffers`, the reply's strings come back as Buffers (for byte-exact parsing).
 */
export async function runScript(
  client: RedisClient,
  name: string,
  keys: readonly string[],
  args: readonly (string | number)[],
  buffers = false,
): Promise<unknown> {
  const found = script(name);
  batchWrites(client);
  const call = buffers ? client.callBuffer.bind(client) : client.call.bind(client);
  if (modeOf(client) !== "eval") {
    try {
      return await fcall(client, call, found.fn, keys, args);
    } catch (error) {
      if (functionNotFound(error) && (await loadLibrary(client, name)))
        return fcall(client, call, found.fn, keys, args);
      if (!functionNotFound(error) && !noFunctions(error)) throw error;
      modes.set(client, "eval");
    }
  }
  try {
    return await call("EVALSHA", [found.sha, keys.length, ...keys, ...args]);
  } catch (error) {
    if (!noScript(error)) throw error;
    return call("EVAL", [found.source, keys.length, ...keys, ...args]);
  }
}

/**
 * The command and its first argument that call script `name` on `client` (["FCALL", fn] or ["EVALSHA",
 * sha]), for a caller that sends several calls before reading any answer; `isMissing` tells an answer
 * that says Redis no longer holds the script, which `runScript` then sends again (it loads it first).
 */
export function scriptCommand(client: RedisClient, name: string): [string, string] {
  const found = script(name);
  return modeOf(client) === "eval" ? ["EVALSHA", found.sha] : ["FCALL", found.fn];
}

/** Whether `error` says Redis does not hold the script called (see scriptCommand). */
export function isMissing(error: unknown): boolean {
  return noScript(error) || functionNotFound(error);
}

/** Make sure Redis knows every script in `names` (before counting commands, or pipelining calls). */
export async function loadScripts(client: RedisClient, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (modeOf(client) !== "eval") {
      if (await loadLibrary(client, name)) {
        modes.set(client, "function");
        continue;
      }
      modes.set(client, "eval");
    }
    await client.script("LOAD", script(name).source);
  }
}
