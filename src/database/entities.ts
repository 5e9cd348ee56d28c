import { Session } from '../auth/session.entity';
import { User } from '../users/user.entity';

/** Every entity; the app and the TypeORM CLI both load this list. */
export const ENTITIES = [User, Session];
