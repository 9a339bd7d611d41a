/**
 * A CPU profile of a bench child process, on request: `TYNENC_BENCH_CPU_PROF=<dir> npm run bench:redis`
 * writes `<dir>/<name>-<pid>.cpuprofile` for each tynenc runner process (open it in Chrome DevTools).
 * Node refuses `--cpu-prof` in NODE_OPTIONS and the bench forks its children with no flags, so the
 * profiler is started from inside, through the inspector, and stopped when the process exits.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

export function profileIfAsked(name: string): void {
  const dir = process.env["TYNENC_BENCH_CPU_PROF"];
  if (!dir) return;
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.start");
  // An in-process session answers synchronously, so the profile is written before the exit completes.
  process.on("exit", () => {
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
