/** One execution request of a task call. Returned at once by calling a task. */
export class Invocation {
    id;
    task;
    args;
    parent;
    client;
    resultPromise;
    constructor(id, task, args, parent, client) {
        this.id = id;
        this.task = task;
        this.args = args;
        this.parent = parent;
        this.client = client;
    }
    /** Settles with the task's return value or rejects with its error. The same promise on every read. */
    get result() {
        return (this.resultPromise ??= this.client.result(this));
    }
    /** The current status. */
    status() {
        return this.client.status(this);
    }
    /** Every status it went through, in order, with the runner that moved it and when (ms epoch). */
    history() {
        return this.client.history(this);
    }
    toString() {
        return `Invocation(${this.task.id}, ${this.id})`;
    }
}
//# sourceMappingURL=invocation.js.map