import { AppConfig, loadConfig } from './app-config';
import { ensureDevelopmentSecret } from './development-secret';
import { withDotEnv } from './dotenv';

/**
 * The configuration of a real start-up (`npm start`): the process environment over `./.env`,
 * with a development JWT secret when none is set. Tests build theirs with `loadConfig` from an
 * explicit environment, so a developer's `.env` never changes what a test sees.
 */
export function loadStartupConfig(): { config: AppConfig; notices: string[] } {
  const { env, problems } = withDotEnv(process.env);
  return { config: loadConfig(ensureDevelopmentSecret(env)), notices: problems };
}
