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
