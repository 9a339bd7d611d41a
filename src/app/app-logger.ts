import type { AppConfig } from "../config/index.js";
import {
  adaptLogger,
  createLogger,
  type Logger,
  type LoggerLike,
  type RootLogger,
} from "../logging/index.js";

/** The app's root logger (the user's, adapted, or the built-in one), following loggingLevel and logFormat. */
export function appLogger(conf: AppConfig, user: LoggerLike | undefined): Logger {
  const name = `tynenc.${conf.appId}`;
  const root: RootLogger = user
    ? adaptLogger(user, name, conf.loggingLevel)
    : createLogger({ name, level: conf.loggingLevel, format: conf.logFormat });
  conf.onChange((field, value) => {
    if (field === "loggingLevel") root.setLevel(value as never);
    if (field === "logFormat" && "setFormat" in root)
      (root as { setFormat(f: never): void }).setFormat(value as never);
  });
  return root;
}
