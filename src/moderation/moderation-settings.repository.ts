import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MODERATION_SETTINGS_ID, ModerationSettings } from './moderation-settings.entity';

/** Everything an admin sets, as stored. */
export interface StoredSettings {
  bannedWords: string[];
  premoderateNewReaders: boolean;
  suspectWords: string[];
  premoderateLinks: boolean;
  closeAfterDays: number | null;
  externalModeration: { url: string; secret: string; timeoutMs: number } | null;
}

export interface SettingsStamp {
  version: number;
  premoderateNewReaders: boolean;
}

/**
 * The stamp from what the SQL function `moderation_posting_context()` (this module's
 * migration defines it; the posting statement selects it) returned: null before the settings row exists.
 */
export function toSettingsStamp(selected: unknown): SettingsStamp {
  const stamp = selected as Partial<SettingsStamp> | null;
  return { version: stamp?.version ?? 0, premoderateNewReaders: stamp?.premoderateNewReaders ?? false };
}

@Injectable()
export class ModerationSettingsRepository {
  constructor(private readonly txHost: TransactionContext) {}
  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }


  /** The current settings version (one small read; the posting statement reads it too, through its stamp). */
  async currentVersion(): Promise<number> {
    const rows: { version: number }[] = await this.tx.query(`SELECT version FROM moderation_settings WHERE id = $1`, [MODERATION_SETTINGS_ID]);
    return rows[0]?.version ?? 0;
  }

  async find(): Promise<ModerationSettings> {
    return this.tx.findOneOrFail(ModerationSettings, { where: { id: MODERATION_SETTINGS_ID } });
  }

  /** Locks the row for a read-modify-write, so concurrent updates apply one after the other. */
  async findForUpdate(): Promise<ModerationSettings> {
    return this.tx.findOneOrFail(ModerationSettings, {
      where: { id: MODERATION_SETTINGS_ID },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async replace(settings: StoredSettings): Promise<ModerationSettings> {
    await this.tx.query(
      `UPDATE moderation_settings
          SET banned_words = $2, premoderate_new_readers = $3, suspect_words = $4, premoderate_links = $5,
              close_after_days = $6, external_moderation_url = $7, external_moderation_secret = $8,
              external_moderation_timeout_ms = $9, version = version + 1, updated_at = now()
        WHERE id = $1`,
      [
        MODERATION_SETTINGS_ID,
        settings.bannedWords,
        settings.premoderateNewReaders,
        settings.suspectWords,
        settings.premoderateLinks,
        settings.closeAfterDays,
        settings.externalModeration?.url ?? null,
        settings.externalModeration?.secret ?? null,
        settings.externalModeration?.timeoutMs ?? null,
      ],
    );
    return this.find();
  }
}
