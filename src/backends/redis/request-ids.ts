import { randomUUID } from "node:crypto";

/**
 * Names each script call, so a call that ioredis sends again after a reconnect is known for one already
 * applied (the scripts keep the last request id they applied and answer a repeat as they did then).
 */
export class RequestIds {
  private readonly prefix = `${randomUUID()}:`;
  private count = 0;

  next(): string {
    return `${this.prefix}${++this.count}`;
  }
}
