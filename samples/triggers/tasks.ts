import { Tynenc, allOf, cron, onEvent, onFailure, onSuccess } from "../../src/index.js";

export const app = new Tynenc({ appId: "triggers_sample" });

/** Work that other tasks react to. */
export const importOrders = app.task("importOrders", async (day: string) => {
  if (day === "broken") throw new TypeError(`no feed for ${day}`);
  return { day, count: day.length };
});

/** Runs after each import that stored something, with the import's result. */
export const report = app.task(
  "report",
  async (day: string, count: number) => {
    report.logger.info(`Report: ${count} order(s) imported for ${day}`);
  },
  {
    triggers: [
      onSuccess(importOrders, {
        filter: ({ result }) => result.count > 0,
        args: ({ result }) => [result.day, result.count],
      }),
    ],
  },
);

/** Pages someone when an import fails with a TypeError (or a subclass). */
export const alert = app.task(
  "alert",
  async (message: string) => {
    alert.logger.warn(`ALERT: ${message}`);
  },
  { triggers: [onFailure(importOrders, { errors: [TypeError], args: ({ error }) => [error.message] })] },
);

/** Welcomes users who signed up on a paid plan (an event emitted by your code). */
export const welcome = app.task(
  "welcome",
  async (userId: string) => {
    welcome.logger.info(`Welcome, ${userId}`);
  },
  {
    triggers: [
      onEvent("user.signup", {
        filter: ({ event }) => (event.payload as { plan: string }).plan !== "trial",
        args: ({ event }) => [(event.payload as { userId: string }).userId],
      }),
    ],
  },
);

/** Ships an order once it is both paid and packed (two events, in any order). */
export const ship = app.task(
  "ship",
  async (orderId: string) => {
    ship.logger.info(`Shipping ${orderId}`);
  },
  {
    triggers: [
      allOf([onEvent("order.paid"), onEvent("order.packed")], {
        args: ({ parts: [paid] }) => [(paid.event.payload as { orderId: string }).orderId],
      }),
    ],
  },
);

/** Every 2 seconds (6 fields: seconds first), with the tick's time. */
export const heartbeat = app.task(
  "heartbeat",
  async (at: string) => {
    heartbeat.logger.info(`Tick at ${at}`);
  },
  { triggers: [cron("*/2 * * * * *", { args: ({ at }) => [at.toISOString()] })] },
);
