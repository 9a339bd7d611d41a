export function createFailureReporter(name) {
    let reported = false;
    return (error) => {
        if (reported)
            return;
        reported = true;
        try {
            const reason = error instanceof Error ? error.message : String(error);
            process.stderr.write(`tynenc: logger "${name}" failed to write a log line (${reason}); further failures are not reported.\n`);
        }
        catch {
            // stderr itself is gone: there is nowhere left to tell.
        }
    };
}
//# sourceMappingURL=failure-notice.js.map