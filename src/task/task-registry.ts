import { TaskRegistrationError, UnknownTaskError } from "../errors/errors.js";
import type { AnyTask, TaskFunction, TaskOptions } from "./task.js";

const TASK_ID = /^[A-Za-z0-9_.:-]+$/;

/** Task ids of one app: unique, validated, and looked up when a runner picks an invocation. */
export class TaskRegistry {
  private readonly tasks = new Map<string, AnyTask>();

  constructor(private readonly appId: () => string) {}

  /** Resolve `app.task(...)`'s overloads to an id, a function and options, rejecting bad input. */
  resolve(
    nameOrFn: string | TaskFunction,
    fnOrOptions?: TaskFunction | TaskOptions,
    maybeOptions?: TaskOptions,
  ): { id: string; fn: TaskFunction; options: TaskOptions } {
    const named = typeof nameOrFn === "string";
    const fn = named ? fnOrOptions : nameOrFn;
    const options = ((named ? maybeOptions : fnOrOptions) ?? {}) as TaskOptions;
    if (typeof fn !== "function") {
      throw new TaskRegistrationError(
        `app.task(${typeof nameOrFn === "string" ? JSON.stringify(nameOrFn) + ", " : ""}...) needs an async function, got ${describe(fn)}`,
      );
    }
    if (isGenerator(fn)) {
      throw new TaskRegistrationError(
        `Task function ${fn.name || "(anonymous)"} is a generator; a task must be an async function returning a promise`,
      );
    }
    const id = (typeof nameOrFn === "string" ? nameOrFn : undefined) ?? options.name ?? fn.name;
    if (!id) {
      throw new TaskRegistrationError(
        'A task needs a name: use app.task("name", fn) or app.task(fn, { name }) (anonymous functions have none)',
      );
    }
    if (!TASK_ID.test(id)) {
      throw new TaskRegistrationError(
        `Task id ${JSON.stringify(id)} is not valid: use letters, digits and _ . : - only`,
      );
    }
    if (this.tasks.has(id)) {
      throw new TaskRegistrationError(
        `A task with id "${id}" is already registered in app "${this.appId()}"; task ids must be unique: give one of them another name`,
      );
    }
    return { id, fn: fn, options };
  }

  add(task: AnyTask): void {
    this.tasks.set(task.id, task);
  }

  get(id: string): AnyTask {
    const task = this.tasks.get(id);
    if (!task) {
      const known = [...this.tasks.keys()].join(", ") || "none";
      throw new UnknownTaskError(
        `Task "${id}" is not registered in app "${this.appId()}" (known: ${known}); import the module that registers it before the runner starts`,
      );
    }
    return task;
  }

  has(id: string): boolean {
    return this.tasks.has(id);
  }

  ids(): string[] {
    return [...this.tasks.keys()];
  }
}

function isGenerator(fn: unknown): boolean {
  const name = (fn as { constructor?: { name?: string } }).constructor?.name;
  return name === "GeneratorFunction" || name === "AsyncGeneratorFunction";
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : typeof value;
}
