import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const MODERATION_SETTINGS_ID = 1;

/** The one row of moderation settings; `version` moves on every change so matchers can be cached per version. */
@Entity('moderation_settings')
@Check('moderation_settings_single_row_check', `"id" = 1`)
export class ModerationSettings {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  bannedWords: string[];

  @Column({ type: 'boolean', default: false })
  premoderateNewReaders: boolean;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
