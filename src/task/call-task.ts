import type { Logger } from "../logging/index.js";
import type { AnyTask, TaskFunction } from "./task.js";

const warnedNonPromise = new WeakSet<object>();

/** Calls the task function; a function that returns a non-promise still works, with a warning once. */
export function callTask(
  task: AnyTask,
  args: unknown[],
  logger: Logger,
  fn: TaskFunction = task.fn,
): Promise<unknown> {
  let returned: unknown;
  try {
    returned = fn(...args);
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on exactly as thrown
    return Promise.reject(error);
  }
  if (returned instanceof Promise) return returned;
  if (!warnedNonPromise.has(task)) {
    warnedNonPromise.add(task);
    logger.warn(`Task "${task.id}" returned a value that is not a promise; declare its function async`);
  }
  return Promise.resolve(returned);
}
