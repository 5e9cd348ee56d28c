import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const MODERATION_SETTINGS_ID = 1;

/** The one row of moderation settings; `version` moves on every change so matchers can be cached per version. */
@Entity('moderation_settings')
@Check('moderation_settings_single_row_check', `"id" = 1`)
@Check('moderation_settings_close_after_days_check', `"close_after_days" IS NULL OR "close_after_days" BETWEEN 1 AND 3650`)
@Check(
  'moderation_settings_external_moderation_check',
  `("external_moderation_url" IS NULL) = ("external_moderation_secret" IS NULL) AND ("external_moderation_url" IS NULL) = ("external_moderation_timeout_ms" IS NULL) AND ("external_moderation_timeout_ms" IS NULL OR "external_moderation_timeout_ms" BETWEEN 1 AND 3000)`,
)
export class ModerationSettings {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  bannedWords: string[];

  @Column({ type: 'boolean', default: false })
  premoderateNewReaders: boolean;

  /** Words that publish a comment but put it in the reported queue with a system report. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  suspectWords: string[];

  /** Hold comments that carry a link for review. */
  @Column({ type: 'boolean', default: false })
  premoderateLinks: boolean;

  /** Articles without a close time of their own close this many days after publication; null: never. */
  @Column({ type: 'integer', nullable: true })
  closeAfterDays: number | null;

  /** The external moderation hook: all three set, or none. */
  @Column({ type: 'varchar', length: 2048, nullable: true })
  externalModerationUrl: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  externalModerationSecret: string | null;

  @Column({ type: 'integer', nullable: true })
  externalModerationTimeoutMs: number | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
