export type EmbeddedDatabaseState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

/**
 * What the embedded PostgreSQL is doing, for readiness: while it restarts after
 * dying, the app is alive but not ready. With DATABASE_URL nothing sets it, and
 * it never reports a problem.
 */
export class EmbeddedDatabaseStatus {
  private state: EmbeddedDatabaseState | undefined;

  set(state: EmbeddedDatabaseState): void {
    this.state = state;
  }

  /** Why the embedded database cannot serve now, or undefined when it can (or there is none). */
  problem(): string | undefined {
    if (this.state === undefined || this.state === 'running') return undefined;
    return `The embedded database is ${this.state}`;
  }
}

/** The one status of this process's embedded database: main.ts feeds it, health reads it. */
export const embeddedDatabaseStatus = new EmbeddedDatabaseStatus();
