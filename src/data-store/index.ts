export type { DataStore } from "./data-store.js";
export {
  DEFAULT_CACHE_BYTES,
  LargeValues,
  type ExternalizedArgs,
  type LargeValueOptions,
} from "./large-values.js";
