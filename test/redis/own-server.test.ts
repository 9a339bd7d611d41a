/**
 * The tests' own redis-server (fixtures/redis-server.ts) does not outlive the test process that started
 * it, however that process ends: a test killed by a signal or a timeout must not leave servers behind.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { alive, until } from "../multiprocess/harness.js";
import { needsRedisServer } from "./fixtures/redis-server.js";

describe("the tests' own redis-server", { ...needsRedisServer() }, () => {
  it("is gone once the test process that started it is killed (SIGKILL, no hook runs)", async () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    // Starts two (one frozen, as a test of an unreachable Redis leaves it), says their pids and
    // directories, then waits.
    const program = `
      import { OwnRedisServer } from "./test/redis/fixtures/redis-server.ts";
      const running = await OwnRedisServer.start({ persistent: false });
      const frozen = await OwnRedisServer.start({ persistent: true });
      frozen.pause();
      console.log(JSON.stringify([running, frozen].map((s) => [s.pid, s.dir])));
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", program], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let servers: [number, string][] = [];
    try {
      const [line] = (await once(child.stdout, "data")) as [Buffer];
      servers = JSON.parse(line.toString()) as [number, string][];
      const pids = servers.map(([pid]) => pid);
      assert.equal(pids.length, 2);
      assert.ok(pids.every(alive), "both servers run while the test process lives");
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
      await until(() => pids.every((pid) => !alive(pid)), "the servers to be gone", 10_000);
    } finally {
      child.kill("SIGKILL");
      for (const [pid, dir] of servers) {
        if (alive(pid)) process.kill(pid, "SIGKILL");
        rmSync(dir, { recursive: true, force: true }); // close() of the killed process never ran
      }
    }
  });
});
