import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each module lets other modules' statements use of its tables: views and
 * SQL functions, so a rule lives once, with its owner, and a hot statement that
 * needs it still costs no round trip of its own (src/database/table-ownership.ts
 * lists who owns what; its test keeps repositories to their own tables).
 * Reads are plain views or STABLE/IMMUTABLE `LANGUAGE sql` functions, which the
 * planner inlines, so the hot queries keep their index scans; writes and locks
 * are VOLATILE functions.
 */
export class ModuleSqlInterfaces1796300000000 implements MigrationInterface {
    name = 'ModuleSqlInterfaces1796300000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // users: an account as other modules may read it, and the counter of its visible comments.
        await queryRunner.query(`CREATE VIEW user_profiles AS
            SELECT id, display_name, role, suspended_until, banned_at, erased_at FROM users`);
        await queryRunner.query(`CREATE FUNCTION users_bump_comment_count(account uuid, delta integer) RETURNS void
            LANGUAGE sql VOLATILE AS $$ UPDATE users SET comment_count = comment_count + delta WHERE id = account $$`);

        // articles: the row lock every comment write takes first (in id order), and the visible-comment counter.
        await queryRunner.query(`CREATE FUNCTION articles_lock_for_comment_writes(article_ids varchar[])
            RETURNS TABLE (id varchar, comments_open boolean)
            LANGUAGE sql VOLATILE AS $$
              SELECT a.id, a.comments_open FROM articles a WHERE a.id = ANY(article_ids) ORDER BY a.id FOR NO KEY UPDATE
            $$`);
        await queryRunner.query(`CREATE FUNCTION articles_bump_comment_count(article varchar, delta integer) RETURNS void
            LANGUAGE sql VOLATILE AS $$ UPDATE articles SET comment_count = comment_count + delta WHERE id = article $$`);
        await queryRunner.query(`CREATE VIEW article_titles AS SELECT id, title FROM articles`);

        // follows: whom a viewer ignores, and who follows whom.
        await queryRunner.query(`CREATE FUNCTION ignored_authors(viewer uuid) RETURNS TABLE (author_id uuid)
            LANGUAGE sql STABLE AS $$ SELECT i.ignored_user_id FROM ignores i WHERE i.user_id = viewer $$`);
        await queryRunner.query(`CREATE VIEW follower_links AS SELECT followee_id, follower_id, created_at FROM follows`);

        // comments: who may see a comment (canSee) and its body (canSeeBody), and what is publicly visible.
        await queryRunner.query(`CREATE FUNCTION comment_visible_to(status varchar, author_id uuid, viewer uuid, staff boolean)
            RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
              SELECT status <> 'pending' OR author_id = viewer OR coalesce(staff, false)
            $$`);
        await queryRunner.query(`CREATE FUNCTION comment_body_visible_to(status varchar, author_id uuid, viewer uuid, staff boolean)
            RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
              SELECT status = 'visible' OR author_id = viewer OR coalesce(staff, false)
            $$`);
        await queryRunner.query(`CREATE VIEW visible_comments AS
            SELECT id, article_id, author_id, parent_id, root_id, created_at FROM comments WHERE status = 'visible'`);
        await queryRunner.query(`CREATE FUNCTION comment_notices(viewer uuid)
            RETURNS TABLE (id uuid, article_id varchar, author_id uuid, parent_id uuid, root_id uuid, parent_author_id uuid, status varchar, body text)
            LANGUAGE sql STABLE AS $$
              SELECT c.id, c.article_id, c.author_id, c.parent_id, c.root_id,
                     (SELECT p.author_id FROM comments p WHERE p.id = c.parent_id), c.status,
                     CASE WHEN comment_body_visible_to(c.status, c.author_id, viewer, false) THEN c.body END
                FROM comments c
            $$`);

        // moderation: what the initial-status rule reads on every post (the settings stamp).
        await queryRunner.query(`CREATE FUNCTION moderation_posting_context() RETURNS json
            LANGUAGE sql STABLE AS $$
              SELECT json_build_object('version', version, 'premoderateNewReaders', premoderate_new_readers)
                FROM moderation_settings WHERE id = 1
            $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION moderation_posting_context()`);
        await queryRunner.query(`DROP FUNCTION comment_notices(uuid)`);
        await queryRunner.query(`DROP VIEW visible_comments`);
        await queryRunner.query(`DROP FUNCTION comment_body_visible_to(varchar, uuid, uuid, boolean)`);
        await queryRunner.query(`DROP FUNCTION comment_visible_to(varchar, uuid, uuid, boolean)`);
        await queryRunner.query(`DROP VIEW follower_links`);
        await queryRunner.query(`DROP FUNCTION ignored_authors(uuid)`);
        await queryRunner.query(`DROP VIEW article_titles`);
        await queryRunner.query(`DROP FUNCTION articles_bump_comment_count(varchar, integer)`);
        await queryRunner.query(`DROP FUNCTION articles_lock_for_comment_writes(varchar[])`);
        await queryRunner.query(`DROP FUNCTION users_bump_comment_count(uuid, integer)`);
        await queryRunner.query(`DROP VIEW user_profiles`);
    }

}
