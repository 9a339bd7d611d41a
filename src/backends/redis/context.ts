import type { RedisClient } from "./driver.js";

/**
 * What every Redis component shares: the command connection and the app's key prefix. Keys are
 * `<prefix><name>`; the default prefix `tynenc:{<appId>}:` carries a hash tag, so one app's keys live in
 * one Redis Cluster slot and a Lua script may build keys from the prefix it is given.
 *
 * Key names, by component (each component owns its names; add yours here):
 * - broker: `queue` (list of routed ids, oldest at the head), `delayed` (sorted set of ids held back:
 *   score the due time, member `<seq>:<id>`), `delayed-seq` (counter for those members), `delayed-moved`
 *   (the latest clock, epoch ms, by which due ids were moved to the queue: lua/include/moved-at.lua)
 * - notifier: pub/sub channels `work`, `final`, `cancel` (messages: JSON `[sender, ...ids]`); no keys
 * - state backend: `rec:<id>` (string: the record, then the outcome; layout in lua/state-save-1.lua),
 *   `kids:<id>` (string: children ids in registration order, each after a ",")
 * - data store: `data:<contentKey>` (hash: text, refs), `data-stats` (hash: count, bytes),
 *   `data-sent:<uuid>` (string: a connection's answers kept for a resend, lua/include/once.lua)
 * - trigger store: `trig:parts:<triggerId>` (hash: part index -> latest context, until the composite
 *   fires), `trig:ticks` (hash: cron trigger id -> last tick fired, epoch ms), `trig:sent:<uuid>` (as
 *   `data-sent:`)
 * - orchestrator store, all under `os:` (redis-store-keys.ts; its scripts are lua/store-*.lua):
 *   `os:i:<id>` (hash: s status, o owner or "", at, t task, g/r/c registration, running and cache keys,
 *   x cancel requested, f finished at, w who listens for its final ("-" nobody yet), p set once it
 *   recorded "out" edges, k how many wait for it, directly or transitively, while it is waited on, q the
 *   request id of its last move, u that of the pause that wrote its `open` set), `os:h:<id>` (list:
 *   history, "STATUS\trunner\tat\tseq" each), `os:seq` (counter: every change's seq), `os:by:<status>`
 *   (set of ids), `os:owned:<runnerId>` (set: unfinished ids it owns), `os:reg:<registrationKey>`
 *   (string: the unfinished holder), `os:run:<runningKey>` / `os:park:<runningKey>` (sets: PENDING+RUNNING
 *   holders / parked ids), `os:cache:<cacheKey>` (string: latest success), `os:out:<id>` / `os:in:<id>`
 *   (sets: the wait graph's edges from / to it), `os:open:<id>` (set: what a paused one still waits for,
 *   kept by the finishes; trusted while its `u` is its `q`), `os:ready` (zset: waited on, waiting for
 *   nothing, runnable; in claim order: by k, most first, then by the seq it became ready at; see
 *   lua/include/wait-rank.lua),
 *   `os:finished` (zset: "<seq>:<id>" of finished ones not yet due, by finish time), `os:held` (set:
 *   due but unread),
 *   `os:pins` / `os:pinned-at` (hashes: pin count / last pin time by id), `os:sent:<uuid>` (as
 *   `data-sent:`, for lua/store-pin-3.lua), `os:runners` (hash: runner id
 *   -> JSON {cls, hostname, pid, startedAt}), `os:beats` (hash: runner id -> heartbeatAt),
 *   `os:lease:<name>` (hash: holder, until), `os:last:<runnerId>` (string: the request ids and answers of
 *   the runner's claim-next claims, and of any claim with ids held back, whose answer may not have come
 *   back yet, for a resend of them; a finish's or a pause's claim finds its own by the claimed
 *   invocations' `q`; expires after a day, deleted when the runner leaves the registry;
 *   lua/include/claim.lua), `os:idle` (set: runners whose last claim got less than it asked
 *   for; a registration publishes the work message only while it is not empty, and empties it:
 *   lua/store-register-3.lua)
 */
export interface RedisContext {
  /** Commands and scripts (never blocked: blocking reads and subscriptions use `duplicate()`). */
  readonly client: RedisClient;
  readonly prefix: string;
  /** A new connection with the same settings, for a blocking read or a subscription; the caller closes it. */
  duplicate(): RedisClient;
}

export function key(context: RedisContext, name: string): string {
  return context.prefix + name;
}
