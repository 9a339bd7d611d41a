// Triggers on the memory backend with one ThreadRunner: events, another task's success and failure, an
// allOf of two events and a 6-field cron. Prints what each triggered task logs, then stops.
import { waitUntil } from "../../src/testing/index.js";
import { app, importOrders } from "./tasks.js";

const loop = app.runner.run();
const ran = new Map<string, number>();
app.events.on("invocation:status", ({ invocationId, status }) => {
  if (status !== "SUCCESS") return;
  void app.getInvocation(invocationId).then((i) => ran.set(i.task.id, (ran.get(i.task.id) ?? 0) + 1));
});

await importOrders("2026-12-01").result;
await importOrders("broken").result.catch(() => {});
await app.emitEvent("user.signup", { userId: "u-1", plan: "pro" });
await app.emitEvent("user.signup", { userId: "u-2", plan: "trial" }); // filtered out
await app.emitEvent("order.packed", { orderId: "o-7" });
await app.emitEvent("order.paid", { orderId: "o-7" }); // now both parts: ship("o-7")

await waitUntil(
  app,
  () => ["report", "alert", "welcome", "ship"].every((t) => ran.has(t)) && (ran.get("heartbeat") ?? 0) >= 2,
  "every triggered task and two cron ticks",
);
app.logger.info(`Triggered runs: ${JSON.stringify(Object.fromEntries(ran))}`);
await app.runner.stop();
await loop;
