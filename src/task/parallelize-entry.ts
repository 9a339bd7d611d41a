/**
 * One entry of `task.parallelize(argsList)`: an argument list, checked before it is used. A failure
 * names the entry by its index, which the argument encoder cannot know.
 */
import { SerializationError } from "../errors/errors.js";

export function parallelizeEntry<T>(
  taskId: string,
  index: number,
  args: unknown,
  use: (args: unknown[]) => T,
): T {
  const where = `Entry ${index} (0-based) of ${taskId}.parallelize(argsList)`;
  if (!Array.isArray(args)) {
    throw new SerializationError(
      `${where} is ${describe(args)}, not an argument list: give one array of arguments per call, e.g. [[1], [2]] for two calls with one argument each`,
    );
  }
  try {
    return use(args);
  } catch (error) {
    if (!(error instanceof SerializationError)) throw error;
    throw new SerializationError(`${where}: ${error.message}`, { cause: error });
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "number" || typeof value === "boolean") return `the ${typeof value} ${value}`;
  return `a value of type ${typeof value}`;
}
