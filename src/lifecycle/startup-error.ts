/**
 * A reason not to start that the operator can act on (another instance runs,
 * the database cannot be reached): main.ts prints its message as one line,
 * without a stack trace.
 */
export class StartupError extends Error {}
