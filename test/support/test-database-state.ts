/** Shared between Jest's global setup and teardown, which run in the same process. */
export const testDatabaseState: {
  dropDatabase?: () => Promise<void>;
  stopEmbedded?: () => Promise<void>;
  embeddedDir?: string;
} = ((globalThis as Record<string, unknown>).__marginTestDatabase ??= {}) as never;
