import { Accounts1795700431345 } from './1795700431345-Accounts';

/** Every migration, in order; the app runs them at start-up. */
export const MIGRATIONS = [Accounts1795700431345];
