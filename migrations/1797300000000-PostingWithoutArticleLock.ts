import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Posting to a hot article without a long-held lock (issue 13 item 2).
 * - articles: the article lock every comment write takes is now a transaction advisory lock per article (key
 *   4242020, hashtext of the id). A post takes it *shared* (`articles_share_for_posting`), so posts to one article run
 *   side by side; every other comment write takes it exclusive after the article rows (`articles_lock_for_comment_writes`,
 *   rows in id order, then the advisory locks in key order), and so does any change of when an article's comments are
 *   open (a trigger), so a close waits for the posts in flight and every post after it is refused. PostgreSQL queues a
 *   shared request behind a waiting exclusive one, so a close is never starved by a stream of posts.
 *   The visible-comment counter no longer moves the article row (which would serialize posts again): each move is a row
 *   of `article_comment_count_deltas` (insert-only, no FK so the hot article's row is not locked by it), the count is
 *   the row's `comment_count` plus the pending deltas, and a fold moves committed deltas into the row in one
 *   transaction, so the sum is exact in every snapshot.
 * - comments: the whole post is one call of `comments_post` (PL/pgSQL, so each statement's plan is cached per
 *   connection instead of planned on every post, also behind PgBouncer in transaction mode). Its statements run in
 *   lock order, each on a fresh snapshot (READ COMMITTED, VOLATILE), so what follows the locks sees an erasure or a
 *   moderation that held them.
 */
export class PostingWithoutArticleLock1797300000000 implements MigrationInterface {
    name = 'PostingWithoutArticleLock1797300000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // ── articles ──
        await queryRunner.query(`CREATE TABLE "article_comment_count_deltas" ("article_id" character varying(128) NOT NULL, "delta" integer NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "article_comment_count_deltas_article_idx" ON "article_comment_count_deltas" ("article_id")`);
        await queryRunner.query(`CREATE OR REPLACE FUNCTION articles_bump_comment_count(article varchar, delta integer) RETURNS void
            LANGUAGE sql VOLATILE AS $$ INSERT INTO article_comment_count_deltas (article_id, delta) VALUES (article, delta) $$`);
        await queryRunner.query(`CREATE FUNCTION articles_share_for_posting(article varchar)
            RETURNS TABLE (id varchar, comments_open boolean)
            LANGUAGE plpgsql VOLATILE AS $$
            #variable_conflict use_column
            BEGIN
              PERFORM pg_advisory_xact_lock_shared(4242020, hashtext(article));
              RETURN QUERY
                SELECT a.id, articles_open_now(a.comments_open, articles_effective_close_at(a.comments_close_at, a.published_at), a.reopened_at)
                  FROM articles a WHERE a.id = article;
            END $$`);
        await queryRunner.query(`CREATE OR REPLACE FUNCTION articles_lock_for_comment_writes(article_ids varchar[])
            RETURNS TABLE (id varchar, comments_open boolean)
            LANGUAGE plpgsql VOLATILE AS $$
            #variable_conflict use_column
            DECLARE
              lock_key integer;
            BEGIN
              PERFORM 1 FROM articles a WHERE a.id = ANY(article_ids) ORDER BY a.id FOR NO KEY UPDATE;
              FOR lock_key IN SELECT DISTINCT hashtext(x) FROM unnest(article_ids) AS x ORDER BY 1 LOOP
                PERFORM pg_advisory_xact_lock(4242020, lock_key);
              END LOOP;
              RETURN QUERY
                SELECT a.id, articles_open_now(a.comments_open, articles_effective_close_at(a.comments_close_at, a.published_at), a.reopened_at)
                  FROM articles a WHERE a.id = ANY(article_ids) ORDER BY a.id;
            END $$`);
        await queryRunner.query(`CREATE FUNCTION articles_openness_waits_for_posts() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.comments_open IS DISTINCT FROM OLD.comments_open OR NEW.comments_close_at IS DISTINCT FROM OLD.comments_close_at
                 OR NEW.published_at IS DISTINCT FROM OLD.published_at OR NEW.reopened_at IS DISTINCT FROM OLD.reopened_at THEN
                PERFORM pg_advisory_xact_lock(4242020, hashtext(NEW.id));
              END IF;
              RETURN NEW;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER articles_openness_waits_for_posts BEFORE UPDATE ON articles
            FOR EACH ROW EXECUTE FUNCTION articles_openness_waits_for_posts()`);

        // ── comments ──
        await queryRunner.query(`CREATE FUNCTION comments_post(
              p_article varchar, p_author uuid, p_parent uuid, p_body text, p_trimmed text, p_status varchar,
              p_duplicate_minutes integer, p_report_reason varchar, p_report_note varchar, p_expected_context jsonb)
            RETURNS json
            LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
              v_active boolean;
              v_open boolean;
              v_context json;
              v_parent_found boolean := false;
              v_parent_article varchar;
              v_parent_author uuid;
              v_parent_status varchar;
              v_parent_root uuid;
              v_parent_depth integer;
              v_parent_author_name varchar;
              v_duplicate boolean;
              v_row comments%ROWTYPE;
              v_author_name varchar;
              v_author_role varchar;
              v_author_erased boolean;
              v_parent json;
            BEGIN
              -- The lock order: the author's account lock (with the "not erased" check), the reader's posting lock
              -- (so the duplicate check below holds), the article's lock (shared: posts to one article do not wait for each other).
              v_active := margin_lock_active_account(p_author);
              PERFORM pg_advisory_xact_lock(4242003, hashtext(p_author::text));
              SELECT s.comments_open INTO v_open FROM articles_share_for_posting(p_article) AS s;
              IF NOT FOUND THEN RETURN json_build_object('outcome', 'article_not_found'); END IF;
              IF NOT v_active THEN RETURN json_build_object('outcome', 'author_gone'); END IF;
              IF NOT v_open THEN RETURN json_build_object('outcome', 'closed'); END IF;
              -- The initial status was worked out for a settings stamp: another one, and the caller works it out again.
              v_context := moderation_posting_context();
              IF p_expected_context IS NULL OR v_context::jsonb IS DISTINCT FROM p_expected_context THEN
                RETURN json_build_object('outcome', 'context_changed', 'policyContext', v_context);
              END IF;

              IF p_parent IS NOT NULL THEN
                SELECT true, p.article_id, p.author_id, p.status, p.root_id, p.depth, pu.display_name
                  INTO v_parent_found, v_parent_article, v_parent_author, v_parent_status, v_parent_root, v_parent_depth, v_parent_author_name
                  FROM comments p LEFT JOIN user_profiles pu ON pu.id = p.author_id
                 WHERE p.id = p_parent;
                v_parent_found := FOUND;
                IF v_parent_found THEN
                  v_parent := json_build_object('articleId', v_parent_article, 'authorId', v_parent_author, 'status', v_parent_status);
                END IF;
              END IF;
              SELECT EXISTS (
                SELECT 1 FROM comments
                 WHERE author_id = p_author AND created_at > now() - make_interval(mins => p_duplicate_minutes)
                   AND status <> 'deleted' AND btrim(body) = p_trimmed
              ) INTO v_duplicate;
              IF v_duplicate OR (p_parent IS NOT NULL AND NOT (v_parent_found AND v_parent_article = p_article AND v_parent_status = 'visible')) THEN
                RETURN json_build_object('outcome', 'refused', 'duplicate', v_duplicate, 'parent', v_parent);
              END IF;

              INSERT INTO comments (article_id, author_id, parent_id, root_id, depth, body, status, open_report_count)
              VALUES (p_article, p_author, p_parent,
                      CASE WHEN p_parent IS NULL THEN NULL ELSE COALESCE(v_parent_root, p_parent) END,
                      CASE WHEN p_parent IS NULL THEN 0 ELSE v_parent_depth + 1 END,
                      p_body, p_status, CASE WHEN p_report_reason IS NULL THEN 0 ELSE 1 END)
              RETURNING * INTO v_row;
              IF p_report_reason IS NOT NULL THEN
                INSERT INTO comment_reports (comment_id, reporter_id, reason, note) VALUES (v_row.id, NULL, p_report_reason, p_report_note);
              END IF;
              IF v_row.status = 'visible' THEN
                -- The owners' counters (articles: a pending delta, no row lock; users: the author's row), then comment rows.
                PERFORM articles_bump_comment_count(p_article, 1);
                PERFORM users_bump_comment_count(p_author, 1);
                IF p_parent IS NOT NULL THEN
                  WITH RECURSIVE ancestors(id, parent_id) AS (
                    SELECT c.id, c.parent_id FROM comments c WHERE c.id = p_parent
                    UNION ALL
                    SELECT c.id, c.parent_id FROM comments c JOIN ancestors a ON c.id = a.parent_id
                  )
                  UPDATE comments SET reply_count = reply_count + 1 WHERE id IN (SELECT ancestors.id FROM ancestors);
                END IF;
              END IF;
              SELECT u.display_name, u.role, (u.erased_at IS NOT NULL) INTO v_author_name, v_author_role, v_author_erased
                FROM user_profiles u WHERE u.id = p_author;
              RETURN json_build_object(
                'outcome', 'posted', 'duplicate', false, 'parent', v_parent,
                'comment', json_build_object(
                  'id', v_row.id, 'articleId', v_row.article_id, 'authorId', v_row.author_id, 'parentId', v_row.parent_id,
                  'rootId', v_row.root_id, 'depth', v_row.depth, 'body', v_row.body, 'status', v_row.status,
                  'replyCount', v_row.reply_count, 'reactionCount', v_row.reaction_count, 'featured', v_row.featured,
                  'createdAt', v_row.created_at, 'editedAt', v_row.edited_at,
                  'authorDisplayName', v_author_name, 'authorRole', v_author_role, 'authorErased', COALESCE(v_author_erased, false),
                  'parentAuthorDisplayName', v_parent_author_name));
            END $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION comments_post(varchar, uuid, uuid, text, text, varchar, integer, varchar, varchar, jsonb)`);
        await queryRunner.query(`DROP TRIGGER articles_openness_waits_for_posts ON articles`);
        await queryRunner.query(`DROP FUNCTION articles_openness_waits_for_posts()`);
        await queryRunner.query(`CREATE OR REPLACE FUNCTION articles_lock_for_comment_writes(article_ids varchar[])
            RETURNS TABLE (id varchar, comments_open boolean)
            LANGUAGE sql VOLATILE AS $$
              SELECT a.id, articles_open_now(a.comments_open, articles_effective_close_at(a.comments_close_at, a.published_at), a.reopened_at)
                FROM articles a WHERE a.id = ANY(article_ids) ORDER BY a.id FOR NO KEY UPDATE
            $$`);
        await queryRunner.query(`DROP FUNCTION articles_share_for_posting(varchar)`);
        // The pending moves go back into the rows before the counter moves the row again.
        await queryRunner.query(`UPDATE articles a SET comment_count = a.comment_count + s.delta
            FROM (SELECT article_id, sum(delta)::int AS delta FROM article_comment_count_deltas GROUP BY article_id) s WHERE a.id = s.article_id`);
        await queryRunner.query(`CREATE OR REPLACE FUNCTION articles_bump_comment_count(article varchar, delta integer) RETURNS void
            LANGUAGE sql VOLATILE AS $$ UPDATE articles SET comment_count = comment_count + delta WHERE id = article $$`);
        await queryRunner.query(`DROP TABLE "article_comment_count_deltas"`);
    }

}
