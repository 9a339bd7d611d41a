/**
 * A logger that cannot write (closed stream, throwing user logger) must not take the app down, nor
 * flood stderr: it reports the first failure once and then stays quiet.
 */
export type FailureReporter = (error: unknown) => void;

export function createFailureReporter(name: string): FailureReporter {
  let reported = false;
  return (error) => {
    if (reported) return;
    reported = true;
    try {
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(
        `tynenc: logger "${name}" failed to write a log line (${reason}); further failures are not reported.\n`,
      );
    } catch {
      // stderr itself is gone: there is nowhere left to tell.
    }
  };
}
