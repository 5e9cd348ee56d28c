import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context';
import { Digest } from './notification-settings.entity';

export const ACTIVITY_TYPES = ['reply', 'featured', 'moderation', 'followedComment', 'follow'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export interface Settings {
  email: Record<ActivityType, boolean>;
  digest: Digest;
}

export const DEFAULT_SETTINGS: Settings = {
  email: { reply: true, featured: true, moderation: true, followedComment: false, follow: false },
  digest: 'immediate',
};

const COLUMNS: Record<ActivityType, string> = {
  reply: 'reply',
  featured: 'featured',
  moderation: 'moderation',
  followedComment: 'followed_comment',
  follow: 'follow',
};

interface SettingsRow {
  user_id: string;
  reply: boolean;
  featured: boolean;
  moderation: boolean;
  followed_comment: boolean;
  follow: boolean;
  digest: Digest;
}

function toSettings(row: SettingsRow): Settings {
  return {
    email: { reply: row.reply, featured: row.featured, moderation: row.moderation, followedComment: row.followed_comment, follow: row.follow },
    digest: row.digest,
  };
}

/** `notification_settings`; a reader without a row has the defaults. */
@Injectable()
export class NotificationSettingsRepository {
  constructor(private readonly txHost: TransactionContext) {}
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  async findMany(userIds: string[]): Promise<Map<string, Settings>> {
    if (userIds.length === 0) return new Map();
    const rows: SettingsRow[] = await this.tx.query(`SELECT * FROM notification_settings WHERE user_id = ANY($1::uuid[])`, [userIds]);
    return new Map(rows.map((row) => [row.user_id, toSettings(row)]));
  }

  async save(userId: string, settings: Settings): Promise<void> {
    const { email } = settings;
    await this.tx.query(
      `INSERT INTO notification_settings (user_id, reply, featured, moderation, followed_comment, follow, digest)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (user_id) DO UPDATE SET reply = $2, featured = $3, moderation = $4, followed_comment = $5, follow = $6,
         digest = $7, updated_at = now()`,
      [userId, email.reply, email.featured, email.moderation, email.followedComment, email.follow, settings.digest],
    );
  }

  /** Switches activity types off (one-click unsubscribe), keeping the reader's other choices. */
  async switchOff(userId: string, types: readonly ActivityType[]): Promise<void> {
    const defaults = DEFAULT_SETTINGS.email;
    const values = ACTIVITY_TYPES.map((type) => (types.includes(type) ? false : defaults[type]));
    const updates = types.map((type) => `${COLUMNS[type]} = false`).join(', ');
    await this.tx.query(
      `INSERT INTO notification_settings (user_id, reply, featured, moderation, followed_comment, follow)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id) DO UPDATE SET ${updates}, updated_at = now()`,
      [userId, ...values],
    );
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM notification_settings WHERE user_id = $1`, [userId]);
  }
}
