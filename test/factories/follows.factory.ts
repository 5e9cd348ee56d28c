import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { RegisteredReader } from './users.factory';

export async function follow(http: TestAgent, follower: RegisteredReader, followee: { id: string }): Promise<void> {
  const response = await http.put(`/api/v1/users/${followee.id}/follow`).set(follower.auth);
  if (response.status !== 204) throw new Error(`follow failed: ${response.status} ${JSON.stringify(response.body)}`);
}

export async function ignore(http: TestAgent, reader: RegisteredReader, ignored: { id: string }): Promise<void> {
  const response = await http.put(`/api/v1/me/ignores/${ignored.id}`).set(reader.auth);
  if (response.status !== 204) throw new Error(`ignore failed: ${response.status} ${JSON.stringify(response.body)}`);
}

/**
 * Gives `followeeId` `count` followers straight in SQL (plain accounts with no
 * password), for tests that need a large audience; counters are set to match.
 */
export async function seedFollowers(db: DataSource, followeeId: string, count: number): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `WITH created AS (
       INSERT INTO users (email, display_name, role)
       SELECT 'seeded-' || gen_random_uuid() || '@example.test', 'S ' || replace(gen_random_uuid()::text, '-', ''), 'reader'
       FROM generate_series(1, $1)
       RETURNING id
     ), followed AS (
       INSERT INTO follows (follower_id, followee_id, created_at)
       SELECT id, $2, now() - (random() * interval '30 days') FROM created
     )
     SELECT id FROM created`,
    [count, followeeId],
  );
  await db.query(`UPDATE users SET follower_count = follower_count + $2 WHERE id = $1`, [followeeId, count]);
  await db.query(`UPDATE users SET following_count = 1 WHERE id = ANY($1::uuid[])`, [rows.map((row) => row.id)]);
  return rows.map((row) => row.id);
}
