import { parseLogLevel } from "./levels.js";
import { isPromiseLike } from "./promise-like.js";
import { createFailureReporter } from "./failure-notice.js";
import { RootScopedLogger } from "./scoped-logger.js";
/**
 * Wraps a user's logger (pino, winston, console, ...) so tynenc code can use it like its own. Each call
 * becomes `user[level](msg, { logger: name, ...context, ...fields })`. `level` is tynenc's own filter in
 * front of the user's, so hot paths still skip building messages nobody will see; it defaults to `info`.
 */
export function adaptLogger(user, name, level = "info") {
    return new RootScopedLogger(new UserLoggerSink(user, name), parseLogLevel(level, "level"));
}
class UserLoggerSink {
    user;
    name;
    threshold = 0;
    reportFailure;
    constructor(user, name) {
        this.user = user;
        this.name = name;
        this.reportFailure = createFailureReporter(name);
    }
    write(level, msg, context, fields) {
        try {
            const result = this.user[level](msg, { logger: this.name, ...context, ...fields });
            // An async user logger could reject; unobserved, that would be an unhandled rejection.
            if (isPromiseLike(result))
                result.then(undefined, this.reportFailure);
        }
        catch (error) {
            this.reportFailure(error);
        }
    }
}
//# sourceMappingURL=adapt-logger.js.map