/**
 * Profiles of a bench child process, on request: `TYNENC_BENCH_CPU_PROF=<dir> npm run bench:redis`
 * writes `<dir>/<name>-<pid>.cpuprofile` for each tynenc runner process (open it in Chrome DevTools),
 * and `TYNENC_BENCH_HEAP_PROF=<dir>` writes `<dir>/<name>-<pid>.heapprofile`, V8's sampling profile of
 * what the process allocated (every 32 KiB on average, kept or not: the garbage its GC collects too).
 * Node refuses `--cpu-prof` in NODE_OPTIONS and the bench forks its children with no flags, so the
 * profilers are started from inside, through the inspector, and stopped when the process exits.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

export function profileIfAsked(name: string): void {
  const cpu = process.env["TYNENC_BENCH_CPU_PROF"];
  const heap = process.env["TYNENC_BENCH_HEAP_PROF"];
  if (!cpu && !heap) return;
  const session = new Session();
  session.connect();
  if (cpu) {
    session.post("Profiler.enable");
    session.post("Profiler.start");
  }
  if (heap) {
    session.post("HeapProfiler.enable");
    // Samples kept after their objects died: the allocation rate, not what stays.
    session.post("HeapProfiler.startSampling", {
      samplingInterval: 32 * 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  const write = (dir: string, kind: string, profile: unknown) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}-${process.pid}.${kind}`), JSON.stringify(profile));
  };
  // An in-process session answers synchronously, so the profiles are written before the exit completes.
  process.on("exit", () => {
    if (cpu)
      session.post("Profiler.stop", (error, result) => {
        if (!error) write(cpu, "cpuprofile", result.profile);
      });
    if (heap)
      session.post("HeapProfiler.stopSampling", (error, result) => {
        if (!error) write(heap, "heapprofile", result.profile);
      });
  });
}
