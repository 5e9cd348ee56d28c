import { QueryFailedError } from 'typeorm';

interface PostgresDriverError {
  code?: string;
  constraint?: string;
}

function driverError(error: unknown): PostgresDriverError | undefined {
  if (error instanceof QueryFailedError) return error.driverError as PostgresDriverError;
  if (error && typeof error === 'object' && 'code' in error) return error as PostgresDriverError;
  return undefined;
}

/** True for a unique violation (23505), optionally of one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driver = driverError(error);
  return driver?.code === '23505' && (constraint === undefined || driver.constraint === constraint);
}

/** Why PostgreSQL gave up a transaction that may succeed when run again, or null when it did not. */
export function retryableConflict(error: unknown): 'deadlock' | 'serialization' | null {
  const code = driverError(error)?.code;
  if (code === '40P01') return 'deadlock';
  if (code === '40001') return 'serialization';
  return null;
}
