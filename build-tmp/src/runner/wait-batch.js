/** The set of invocations one pause waits for, and the gate its awaiting code passes once resumed. */
export class WaitBatch {
    ids = new Set();
    opened;
    resolveOpened;
    rejectOpened;
    constructor() {
        this.opened = new Promise((resolve, reject) => {
            this.resolveOpened = resolve;
            this.rejectOpened = reject;
        });
    }
    open() {
        this.resolveOpened();
    }
    fail(error) {
        this.rejectOpened(error);
    }
}
//# sourceMappingURL=wait-batch.js.map