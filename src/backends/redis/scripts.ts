/**
 * The backend's Lua scripts, one per file in `lua/` (copied next to the compiled code by the build).
 * Each is read once, sent to Redis once (SCRIPT LOAD happens implicitly through EVAL on a NOSCRIPT
 * answer) and then called by SHA with EVALSHA: one round trip per call, whatever the script's size.
 * Helpers shared by several scripts live in `lua/include/`: a line `--#include include/<file>.lua` is
 * replaced by that file when the script is read (one level deep), so a helper is written once. Then a
 * line `--#rules` (in a script or in what it included) is replaced by the status rules of status.ts as
 * Lua constants (redis-store-rules.ts, LUA_RULES).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import type { RedisClient } from "./driver.js";
import { LUA_RULES } from "./redis-store-rules.js";

const LUA_DIR = new URL("./lua/", import.meta.url);

interface Script {
  readonly source: string;
  readonly sha: string;
}

const sources = new Map<string, Script>();

/** The script `name` (lua/<name>.lua), read once per process. */
export function script(name: string): Script {
  let found = sources.get(name);
  if (!found) {
    const source = readFileSync(new URL(`${name}.lua`, LUA_DIR), "utf8")
      .replace(/^--#include (\S+)$/gm, (_line, file: string) => readFileSync(new URL(file, LUA_DIR), "utf8"))
      .replace(/^--#rules$/gm, () => LUA_RULES);
    found = { source, sha: createHash("sha1").update(source).digest("hex") };
    sources.set(name, found);
  }
  return found;
}

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

/**
 * Run script `name` with `keys` and `args` by its SHA; a Redis that does not know it yet (first call,
 * a restart, SCRIPT FLUSH) gets the source once through EVAL, which also caches it. With `buffers`, the
 * reply's strings come back as Buffers (for byte-exact parsing).
 */
export async function runScript(
  client: RedisClient,
  name: string,
  keys: readonly string[],
  args: readonly (string | number)[],
  buffers = false,
): Promise<unknown> {
  const { source, sha } = script(name);
  batchWrites(client);
  const call = buffers ? client.callBuffer.bind(client) : client.call.bind(client);
  try {
    // One array argument: spread into the call, a long list of ids would overflow the stack.
    return await call("EVALSHA", [sha, keys.length, ...keys, ...args]);
  } catch (error) {
    if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
    return call("EVAL", [source, keys.length, ...keys, ...args]);
  }
}

/** Queue script `name` on a pipeline (EVALSHA; the caller loads the scripts once beforehand). */
export function pipeScript(
  pipeline: ReturnType<RedisClient["pipeline"]>,
  name: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): void {
  pipeline.call("EVALSHA", [script(name).sha, keys.length, ...keys, ...args]);
}

/** Make sure Redis knows every script in `names` (before pipelining them by SHA). */
export async function loadScripts(client: RedisClient, names: readonly string[]): Promise<void> {
  for (const name of names) await client.script("LOAD", script(name).source);
}
