/**
 * Schema version 2: the due time of a delayed call (`task.with({ delayMs | runAt })`) in its record,
 * so a runner that finds it waited on skips it until then, in any process and after a restart. NULL
 * for a call that runs at once; the queue row (`tynenc_queue.due_at`) already holds it for the broker.
 */
export const MIGRATION_002 = `
ALTER TABLE tynenc_records ADD COLUMN due_at INTEGER;
`;
