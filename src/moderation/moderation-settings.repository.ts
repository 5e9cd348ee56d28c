import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MODERATION_SETTINGS_ID, ModerationSettings } from './moderation-settings.entity';

export interface SettingsStamp {
  version: number;
  premoderateNewReaders: boolean;
}

@Injectable()
export class ModerationSettingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The small part read on every new comment: which version is current, and the flag. */
  async findStamp(): Promise<SettingsStamp> {
    const rows: { version: number; premoderate_new_readers: boolean }[] = await this.dataSource.query(
      `SELECT version, premoderate_new_readers FROM moderation_settings WHERE id = $1`,
      [MODERATION_SETTINGS_ID],
    );
    return { version: rows[0]?.version ?? 0, premoderateNewReaders: rows[0]?.premoderate_new_readers ?? false };
  }

  async find(manager: EntityManager = this.dataSource.manager): Promise<ModerationSettings> {
    return manager.findOneOrFail(ModerationSettings, { where: { id: MODERATION_SETTINGS_ID } });
  }

  /** Locks the row for a read-modify-write, so concurrent updates apply one after the other. */
  async findForUpdate(manager: EntityManager): Promise<ModerationSettings> {
    return manager.findOneOrFail(ModerationSettings, {
      where: { id: MODERATION_SETTINGS_ID },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async replace(
    manager: EntityManager,
    settings: { bannedWords: string[]; premoderateNewReaders: boolean },
  ): Promise<ModerationSettings> {
    await manager.query(
      `UPDATE moderation_settings
          SET banned_words = $2, premoderate_new_readers = $3, version = version + 1, updated_at = now()
        WHERE id = $1`,
      [MODERATION_SETTINGS_ID, settings.bannedWords, settings.premoderateNewReaders],
    );
    return this.find(manager);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
