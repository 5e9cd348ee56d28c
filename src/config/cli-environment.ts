import { withDotEnv } from './dotenv';

/** The TypeORM CLI runs outside the app; it needs only a database URL, from the environment or `./.env`. */
export function databaseUrlForCli(): string {
  const url = withDotEnv(process.env).env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL must be set for migration commands (e.g. postgres://postgres@127.0.0.1:5432/margin)');
  }
  return url;
}
