import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who takes an activity e-mail, as a rule other modules' statements can join (issue 14, the lean e-mail job).
 * - users: `mail_verified_accounts`, the accounts activity e-mail may go to at all (not erased, an address, confirmed):
 *   the same test the e-mail job applies to the accounts it loads.
 * - mail: `activity_mail_choices`, one row per such account with its choice for each activity type: its
 *   `notification_settings` row, or the defaults without one (reply, featured and moderation on, followed_comment and
 *   follow off: the table's column defaults, DEFAULT_SETTINGS in the code). The followed_comment fan-out joins it in
 *   its INSERT … SELECT, so the e-mail job hears only of the rows it may mail instead of every follower's.
 * Plain views, which the planner inlines: two primary-key probes per row at most.
 */
export class LeanActivityMail1797800000000 implements MigrationInterface {
    name = 'LeanActivityMail1797800000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // ── users ──
        await queryRunner.query(`CREATE VIEW mail_verified_accounts AS
            SELECT id FROM users WHERE erased_at IS NULL AND email IS NOT NULL AND email_verified_at IS NOT NULL`);
        // ── mail ──
        await queryRunner.query(`CREATE VIEW activity_mail_choices AS
            SELECT a.id AS user_id,
                   coalesce(s.reply, true) AS reply,
                   coalesce(s.featured, true) AS featured,
                   coalesce(s.moderation, true) AS moderation,
                   coalesce(s.followed_comment, false) AS followed_comment,
                   coalesce(s.follow, false) AS follow
              FROM mail_verified_accounts a LEFT JOIN notification_settings s ON s.user_id = a.id`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP VIEW activity_mail_choices`);
        await queryRunner.query(`DROP VIEW mail_verified_accounts`);
    }
}
