import { Tynenc } from "../../src/index.js";

export const app = new Tynenc({ appId: "auto_orchestration" });

// An arrow function with an explicit name: inside `async function fibonacci() {}` the name `fibonacci`
// would be the raw function, not the task, and the recursion would bypass orchestration.
export const fibonacci = app.task("fibonacci", async (n: number): Promise<number> => {
  fibonacci.logger.info(`Calculating fibonacci(${n})`);
  const result = n <= 1 ? n : (await fibonacci(n - 1).result) + (await fibonacci(n - 2).result);
  fibonacci.logger.info(`Result of fibonacci(${n}) is ${result}`);
  return result;
});
