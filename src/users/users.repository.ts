import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { Role } from '../common/auth/role';
import { isUniqueViolation } from '../database/postgres-errors';
import { User } from './user.entity';

export interface NewUser {
  email: string;
  displayName: string;
  passwordHash: string;
  role?: Role;
}

export interface ProfileChanges {
  displayName?: string;
  bio?: string | null;
}

function mapUniqueViolation(error: unknown): never {
  if (isUniqueViolation(error, 'users_email_key')) throw new AppError('EMAIL_TAKEN', 'An account with this email already exists');
  if (isUniqueViolation(error, 'users_display_name_lower_key')) {
    throw new AppError('DISPLAY_NAME_TAKEN', 'Another reader already uses this display name');
  }
  throw error;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get users() {
    return this.dataSource.getRepository(User);
  }

  async insertUser(user: NewUser): Promise<User> {
    try {
      return await this.users.save(this.users.create({ ...user, role: user.role ?? 'reader' }));
    } catch (error) {
      mapUniqueViolation(error);
    }
  }

  findActiveByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email, erasedAt: IsNull() } });
  }

  findActiveById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id, erasedAt: IsNull() } });
  }

  findActiveByIds(ids: string[]): Promise<User[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.users
      .createQueryBuilder('user')
      .where('user.id = ANY(:ids)', { ids })
      .andWhere('user.erased_at IS NULL')
      .getMany();
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    try {
      await this.users.update({ id, erasedAt: IsNull() }, changes);
    } catch (error) {
      mapUniqueViolation(error);
    }
  }

  async setRole(id: string, role: Role, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.update(User, { id }, { role });
  }

  /** Clears everything that identifies the person; the row stays so comments keep their place. */
  async eraseIdentity(manager: EntityManager, id: string): Promise<void> {
    await manager.update(User, { id }, {
      email: null,
      displayName: null,
      bio: null,
      passwordHash: null,
      erasedAt: () => 'now()',
    });
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
