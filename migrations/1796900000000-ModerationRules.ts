import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Automated moderation rules and articles that close by themselves.
 * - moderation: suspect words, links held for review, close-after days and the external moderation hook; the
 *   close-after setting is offered to the articles module's SQL as `moderation_close_after_days()`.
 * - articles: the article's own `comments_close_at`; `reopened_at` (a moderator opened the article again, which
 *   outlasts a close time already passed); `close_announced_for` (the close time the closing job has announced, so it
 *   announces each close once). The rule of when comments are open lives once, in `articles_open_now` and
 *   `articles_effective_close_at`, which reads, posting's lock and the closing job all use.
 */
export class ModerationRules1796900000000 implements MigrationInterface {
    name = 'ModerationRules1796900000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "moderation_settings" ADD "suspect_words" text array NOT NULL DEFAULT '{}'`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" ADD "premoderate_links" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" ADD "close_after_days" integer`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" ADD "external_moderation_url" character varying(2048)`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" ADD "external_moderation_secret" character varying(256)`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" ADD "external_moderation_timeout_ms" integer`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" ADD CONSTRAINT "moderation_settings_close_after_days_check" CHECK ("close_after_days" IS NULL OR "close_after_days" BETWEEN 1 AND 3650)`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" ADD CONSTRAINT "moderation_settings_external_moderation_check" CHECK (("external_moderation_url" IS NULL) = ("external_moderation_secret" IS NULL) AND ("external_moderation_url" IS NULL) = ("external_moderation_timeout_ms" IS NULL) AND ("external_moderation_timeout_ms" IS NULL OR "external_moderation_timeout_ms" BETWEEN 1 AND 3000))`);

        await queryRunner.query(`ALTER TABLE "articles" ADD "comments_close_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "articles" ADD "reopened_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "articles" ADD "close_announced_for" TIMESTAMP WITH TIME ZONE`);
        // What the closing job scans: open articles whose close it has not announced, by their own close time or,
        // without one, by their publication (close-after days apply to those).
        await queryRunner.query(`CREATE INDEX "articles_own_close_due_idx" ON "articles" ("comments_close_at") WHERE "comments_open" AND "close_announced_for" IS NULL AND "comments_close_at" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "articles_default_close_due_idx" ON "articles" ("published_at") WHERE "comments_open" AND "close_announced_for" IS NULL AND "comments_close_at" IS NULL AND "published_at" IS NOT NULL`);

        // moderation: the close-after setting (null: articles without a close time of their own never close by themselves).
        await queryRunner.query(`CREATE FUNCTION moderation_close_after_days() RETURNS integer
            LANGUAGE sql STABLE AS $$ SELECT close_after_days FROM moderation_settings WHERE id = 1 $$`);
        // articles: when comments close, and whether they are open now.
        await queryRunner.query(`CREATE FUNCTION articles_effective_close_at(own_close_at timestamptz, published_at timestamptz)
            RETURNS timestamptz LANGUAGE sql STABLE AS $$
              SELECT COALESCE(own_close_at, published_at + make_interval(days => moderation_close_after_days()))
            $$`);
        await queryRunner.query(`CREATE FUNCTION articles_open_now(comments_open boolean, close_at timestamptz, reopened_at timestamptz)
            RETURNS boolean LANGUAGE sql STABLE AS $$
              SELECT comments_open AND (close_at IS NULL OR now() < close_at OR (reopened_at IS NOT NULL AND reopened_at >= close_at))
            $$`);
        // The lock every comment write takes now answers whether comments are open by the rule above.
        await queryRunner.query(`CREATE OR REPLACE FUNCTION articles_lock_for_comment_writes(article_ids varchar[])
            RETURNS TABLE (id varchar, comments_open boolean)
            LANGUAGE sql VOLATILE AS $$
              SELECT a.id, articles_open_now(a.comments_open, articles_effective_close_at(a.comments_close_at, a.published_at), a.reopened_at)
                FROM articles a WHERE a.id = ANY(article_ids) ORDER BY a.id FOR NO KEY UPDATE
            $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE OR REPLACE FUNCTION articles_lock_for_comment_writes(article_ids varchar[])
            RETURNS TABLE (id varchar, comments_open boolean)
            LANGUAGE sql VOLATILE AS $$
              SELECT a.id, a.comments_open FROM articles a WHERE a.id = ANY(article_ids) ORDER BY a.id FOR NO KEY UPDATE
            $$`);
        await queryRunner.query(`DROP FUNCTION articles_open_now(boolean, timestamptz, timestamptz)`);
        await queryRunner.query(`DROP FUNCTION articles_effective_close_at(timestamptz, timestamptz)`);
        await queryRunner.query(`DROP FUNCTION moderation_close_after_days()`);
        await queryRunner.query(`DROP INDEX "public"."articles_default_close_due_idx"`);
        await queryRunner.query(`DROP INDEX "public"."articles_own_close_due_idx"`);
        await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "close_announced_for"`);
        await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "reopened_at"`);
        await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "comments_close_at"`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" DROP CONSTRAINT "moderation_settings_external_moderation_check"`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" DROP CONSTRAINT "moderation_settings_close_after_days_check"`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" DROP COLUMN "external_moderation_timeout_ms"`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" DROP COLUMN "external_moderation_secret"`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" DROP COLUMN "external_moderation_url"`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" DROP COLUMN "close_after_days"`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" DROP COLUMN "premoderate_links"`);
        await queryRunner.query(`ALTER TABLE "moderation_settings" DROP COLUMN "suspect_words"`);
    }

}
