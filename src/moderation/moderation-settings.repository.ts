import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MODERATION_SETTINGS_ID, ModerationSettings } from './moderation-settings.entity';

export interface SettingsStamp {
  version: number;
  premoderateNewReaders: boolean;
}

/**
 * The small part read on every new comment (which version is current, and the
 * flag), as a parameterless SQL expression: the posting statement selects it, so
 * each post sees the settings as they are now without a round trip of its own.
 */
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

  async replace(
    settings: { bannedWords: string[]; premoderateNewReaders: boolean },
  ): Promise<ModerationSettings> {
    await this.tx.query(
      `UPDATE moderation_settings
          SET banned_words = $2, premoderate_new_readers = $3, version = version + 1, updated_at = now()
        WHERE id = $1`,
      [MODERATION_SETTINGS_ID, settings.bannedWords, settings.premoderateNewReaders],
    );
    return this.find();
  }

}
