import { randomUUID } from 'node:crypto';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';

export interface RegisteredReader {
  id: string;
  email: string;
  password: string;
  displayName: string;
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

export function uniqueSuffix(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}

export function newReaderInput(overrides: Partial<{ email: string; password: string; displayName: string }> = {}) {
  const suffix = uniqueSuffix();
  return {
    email: `reader-${suffix}@example.test`,
    password: 'correct horse battery',
    displayName: `Reader ${suffix}`,
    ...overrides,
  };
}

export async function registerReader(
  http: TestAgent,
  overrides: Partial<{ email: string; password: string; displayName: string }> = {},
): Promise<RegisteredReader> {
  const input = newReaderInput(overrides);
  const response = await http.post('/api/v1/auth/register').send(input);
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${JSON.stringify(response.body)}`);
  return {
    id: response.body.user.id,
    ...input,
    accessToken: response.body.accessToken,
    refreshToken: response.body.refreshToken,
    auth: { Authorization: `Bearer ${response.body.accessToken}` },
  };
}

/** Registers a reader and gives them a staff role in the database (roles are read on every request). */
export async function registerStaff(http: TestAgent, db: DataSource, role: 'moderator' | 'admin'): Promise<RegisteredReader> {
  const reader = await registerReader(http);
  await db.query('UPDATE users SET role = $2 WHERE id = $1', [reader.id, role]);
  return reader;
}
