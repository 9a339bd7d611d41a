/**
 * A logger that cannot write (closed stream, throwing user logger) must not take the app down, nor
 * flood stderr: it reports the first failure once and then stays quiet.
 */
export type FailureReporter = (error: unknown) => void;
export declare function createFailureReporter(name: string): FailureReporter;
