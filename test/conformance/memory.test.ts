import { memoryBackend } from "../../src/backends/memory/index.js";
import { runConformance } from "./index.js";

runConformance("memory", memoryBackend);
