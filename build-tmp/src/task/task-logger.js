import { currentExecution } from "../invocation/context.js";
/**
 * `task.logger`: inside an invocation it logs with that invocation's context (runner, invocation,
 * task); elsewhere with the task's own.
 */
export class TaskLogger {
    base;
    constructor(base) {
        this.base = base;
    }
    get context() {
        return this.current().context;
    }
    debug(msg, fields) {
        this.current().debug(msg, fields);
    }
    info(msg, fields) {
        this.current().info(msg, fields);
    }
    warn(msg, fields) {
        this.current().warn(msg, fields);
    }
    error(msg, fields) {
        this.current().error(msg, fields);
    }
    isEnabled(level) {
        return this.base.isEnabled(level);
    }
    child(context) {
        return this.current().child(context);
    }
    current() {
        return currentExecution()?.logger ?? this.base;
    }
}
//# sourceMappingURL=task-logger.js.map