/** A promise with its resolver, for "the loop has stopped". */
export class StopSignal {
    promise;
    resolve;
    constructor() {
        this.promise = new Promise((resolve) => {
            this.resolve = resolve;
        });
    }
}
//# sourceMappingURL=stop-signal.js.map