import { MigrationInterface, QueryRunner } from 'typeorm';

export class Comments1795700798329 implements MigrationInterface {
    name = 'Comments1795700798329'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "comments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "article_id" character varying(128) NOT NULL, "author_id" uuid, "parent_id" uuid, "root_id" uuid, "depth" integer NOT NULL DEFAULT '0', "body" text, "status" character varying(16) NOT NULL DEFAULT 'visible', "reply_count" integer NOT NULL DEFAULT '0', "reaction_count" integer NOT NULL DEFAULT '0', "open_report_count" integer NOT NULL DEFAULT '0', "featured" boolean NOT NULL DEFAULT false, "hidden_reason" character varying(32), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "edited_at" TIMESTAMP WITH TIME ZONE, "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "comments_tree_check" CHECK (("parent_id" IS NULL AND "root_id" IS NULL AND "depth" = 0) OR ("parent_id" IS NOT NULL AND "root_id" IS NOT NULL AND "depth" > 0)), CONSTRAINT "comments_counters_check" CHECK ("reply_count" >= 0 AND "reaction_count" >= 0 AND "open_report_count" >= 0), CONSTRAINT "comments_status_check" CHECK ("status" IN ('visible', 'pending', 'hidden', 'deleted')), CONSTRAINT "PK_8bf68bc960f2b69e818bdb90dcb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "comments_parent_idx" ON "comments"  ("parent_id") `);
        await queryRunner.query(`CREATE INDEX "comments_author_idx" ON "comments"  ("author_id", "created_at", "id") `);
        await queryRunner.query(`CREATE INDEX "comments_root_idx" ON "comments"  ("root_id", "created_at", "id") WHERE "root_id" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "comments_top_replies_idx" ON "comments"  ("article_id", "reply_count", "id") WHERE "parent_id" IS NULL`);
        await queryRunner.query(`CREATE INDEX "comments_top_reactions_idx" ON "comments"  ("article_id", "reaction_count", "id") WHERE "parent_id" IS NULL`);
        await queryRunner.query(`CREATE INDEX "comments_top_newest_idx" ON "comments"  ("article_id", "created_at", "id") WHERE "parent_id" IS NULL`);
        await queryRunner.query(`CREATE TABLE "comment_reactions" ("comment_id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a883c2a09d16ce1d0db8b9758d4" PRIMARY KEY ("comment_id", "user_id"))`);
        await queryRunner.query(`CREATE INDEX "comment_reactions_user_idx" ON "comment_reactions"  ("user_id", "comment_id") `);
        await queryRunner.query(`CREATE TABLE "comment_reports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "comment_id" uuid NOT NULL, "reporter_id" uuid, "reason" character varying(32) NOT NULL, "note" character varying(1000), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "resolved_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "comment_reports_reason_check" CHECK ("reason" IN ('spam', 'abuse', 'hate', 'off_topic', 'harassment', 'misinformation', 'legal', 'other')), CONSTRAINT "PK_61b98c6ce36db288146bba85d29" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "comment_reports_open_idx" ON "comment_reports"  ("comment_id", "created_at") WHERE "resolved_at" IS NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "comment_reports_comment_reporter_key" ON "comment_reports"  ("comment_id", "reporter_id") `);
        await queryRunner.query(`CREATE TABLE "comment_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "comment_id" uuid NOT NULL, "body" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_10b4f95ac0d4b221fdccf42a038" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "comment_versions_comment_idx" ON "comment_versions"  ("comment_id", "created_at") `);
        await queryRunner.query(`ALTER TABLE "comments" ADD CONSTRAINT "FK_e9b498cca509147e73808f9e593" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "comments" ADD CONSTRAINT "FK_e6d38899c31997c45d128a8973b" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "comments" ADD CONSTRAINT "FK_d6f93329801a93536da4241e386" FOREIGN KEY ("parent_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "comments" ADD CONSTRAINT "FK_27384e4af03072b186c97300c76" FOREIGN KEY ("root_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "comment_reactions" ADD CONSTRAINT "FK_dc714054fc62b698018fcb0ae37" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "comment_reactions" ADD CONSTRAINT "FK_481c40600b2ee590adb27abb0e6" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "comment_reports" ADD CONSTRAINT "FK_45a6086948851a5e791f1b7964f" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "comment_reports" ADD CONSTRAINT "FK_759824fcfa4dace79a8b41d8eaa" FOREIGN KEY ("reporter_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "comment_versions" ADD CONSTRAINT "FK_8ae11b41120629311e0181e8cce" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "comment_versions" DROP CONSTRAINT "FK_8ae11b41120629311e0181e8cce"`);
        await queryRunner.query(`ALTER TABLE "comment_reports" DROP CONSTRAINT "FK_759824fcfa4dace79a8b41d8eaa"`);
        await queryRunner.query(`ALTER TABLE "comment_reports" DROP CONSTRAINT "FK_45a6086948851a5e791f1b7964f"`);
        await queryRunner.query(`ALTER TABLE "comment_reactions" DROP CONSTRAINT "FK_481c40600b2ee590adb27abb0e6"`);
        await queryRunner.query(`ALTER TABLE "comment_reactions" DROP CONSTRAINT "FK_dc714054fc62b698018fcb0ae37"`);
        await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "FK_27384e4af03072b186c97300c76"`);
        await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "FK_d6f93329801a93536da4241e386"`);
        await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "FK_e6d38899c31997c45d128a8973b"`);
        await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "FK_e9b498cca509147e73808f9e593"`);
        await queryRunner.query(`DROP INDEX "public"."comment_versions_comment_idx"`);
        await queryRunner.query(`DROP TABLE "comment_versions"`);
        await queryRunner.query(`DROP INDEX "public"."comment_reports_comment_reporter_key"`);
        await queryRunner.query(`DROP INDEX "public"."comment_reports_open_idx"`);
        await queryRunner.query(`DROP TABLE "comment_reports"`);
        await queryRunner.query(`DROP INDEX "public"."comment_reactions_user_idx"`);
        await queryRunner.query(`DROP TABLE "comment_reactions"`);
        await queryRunner.query(`DROP INDEX "public"."comments_top_newest_idx"`);
        await queryRunner.query(`DROP INDEX "public"."comments_top_reactions_idx"`);
        await queryRunner.query(`DROP INDEX "public"."comments_top_replies_idx"`);
        await queryRunner.query(`DROP INDEX "public"."comments_root_idx"`);
        await queryRunner.query(`DROP INDEX "public"."comments_author_idx"`);
        await queryRunner.query(`DROP INDEX "public"."comments_parent_idx"`);
        await queryRunner.query(`DROP TABLE "comments"`);
    }

}
