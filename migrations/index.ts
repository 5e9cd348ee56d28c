import { Accounts1795700431345 } from './1795700431345-Accounts';
import { Articles1795700737842 } from './1795700737842-Articles';
import { Comments1795700798329 } from './1795700798329-Comments';
import { Moderation1795701168438 } from './1795701168438-Moderation';

/** Every migration, in order; the app runs them at start-up. */
export const MIGRATIONS = [Accounts1795700431345, Articles1795700737842, Comments1795700798329, Moderation1795701168438];
