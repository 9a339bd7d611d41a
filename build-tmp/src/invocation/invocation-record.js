/** `callId = taskId + ":" + argsId`: invocations of the same call share it. */
export function callIdOf(record) {
    return `${record.taskId}:${record.argsId}`;
}
//# sourceMappingURL=invocation-record.js.map