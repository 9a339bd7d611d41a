// Runs the compiled consumer: proves the packed package loads and runs a task, not only that it type-checks.
import { main } from "./out/index.js";

console.log(await main());
