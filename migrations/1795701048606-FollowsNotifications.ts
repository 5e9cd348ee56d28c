import { MigrationInterface, QueryRunner } from 'typeorm';

export class FollowsNotifications1795701048606 implements MigrationInterface {
    name = 'FollowsNotifications1795701048606'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "follows" ("follower_id" uuid NOT NULL, "followee_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "follows_not_self_check" CHECK ("follower_id" <> "followee_id"), CONSTRAINT "PK_f9294bbb1517cfd99f06f534fe7" PRIMARY KEY ("follower_id", "followee_id"))`);
        await queryRunner.query(`CREATE INDEX "follows_follower_idx" ON "follows"  ("follower_id", "created_at", "followee_id") `);
        await queryRunner.query(`CREATE INDEX "follows_followee_idx" ON "follows"  ("followee_id", "created_at", "follower_id") `);
        await queryRunner.query(`CREATE TABLE "ignores" ("user_id" uuid NOT NULL, "ignored_user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ignores_not_self_check" CHECK ("user_id" <> "ignored_user_id"), CONSTRAINT "PK_473d8d9f5149ea7ad858e19159e" PRIMARY KEY ("user_id", "ignored_user_id"))`);
        await queryRunner.query(`CREATE INDEX "ignores_ignored_user_idx" ON "ignores"  ("ignored_user_id") `);
        await queryRunner.query(`CREATE INDEX "ignores_user_idx" ON "ignores"  ("user_id", "created_at", "ignored_user_id") `);
        await queryRunner.query(`CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "recipient_id" uuid NOT NULL, "type" character varying(32) NOT NULL, "actor_id" uuid, "comment_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "notifications_type_check" CHECK ("type" IN ('reply', 'follow', 'followed_comment', 'moderation')), CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "notifications_created_idx" ON "notifications"  ("created_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "notifications_comment_once_key" ON "notifications"  ("recipient_id", "type", "comment_id") WHERE "type" IN ('reply', 'followed_comment')`);
        await queryRunner.query(`CREATE INDEX "notifications_unread_idx" ON "notifications"  ("recipient_id", "created_at", "id") WHERE "read_at" IS NULL`);
        await queryRunner.query(`CREATE INDEX "notifications_recipient_idx" ON "notifications"  ("recipient_id", "created_at", "id") `);
        await queryRunner.query(`ALTER TABLE "follows" ADD CONSTRAINT "FK_54b5dc2739f2dea57900933db66" FOREIGN KEY ("follower_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "follows" ADD CONSTRAINT "FK_1984b177379388946c21afcdaa9" FOREIGN KEY ("followee_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "ignores" ADD CONSTRAINT "FK_e098f8c1134c04978e539f8a0ad" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "ignores" ADD CONSTRAINT "FK_92b107514369736a3faba9ea10e" FOREIGN KEY ("ignored_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "notifications" ADD CONSTRAINT "FK_5332a4daa46fd3f4e6625dd275d" FOREIGN KEY ("recipient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "notifications" ADD CONSTRAINT "FK_20f8b51fd9655c0b69feed5efc6" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "notifications" ADD CONSTRAINT "FK_e20313cbf1dacbb2abc5bd66d26" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "FK_e20313cbf1dacbb2abc5bd66d26"`);
        await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "FK_20f8b51fd9655c0b69feed5efc6"`);
        await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "FK_5332a4daa46fd3f4e6625dd275d"`);
        await queryRunner.query(`ALTER TABLE "ignores" DROP CONSTRAINT "FK_92b107514369736a3faba9ea10e"`);
        await queryRunner.query(`ALTER TABLE "ignores" DROP CONSTRAINT "FK_e098f8c1134c04978e539f8a0ad"`);
        await queryRunner.query(`ALTER TABLE "follows" DROP CONSTRAINT "FK_1984b177379388946c21afcdaa9"`);
        await queryRunner.query(`ALTER TABLE "follows" DROP CONSTRAINT "FK_54b5dc2739f2dea57900933db66"`);
        await queryRunner.query(`DROP INDEX "public"."notifications_recipient_idx"`);
        await queryRunner.query(`DROP INDEX "public"."notifications_unread_idx"`);
        await queryRunner.query(`DROP INDEX "public"."notifications_comment_once_key"`);
        await queryRunner.query(`DROP INDEX "public"."notifications_created_idx"`);
        await queryRunner.query(`DROP TABLE "notifications"`);
        await queryRunner.query(`DROP INDEX "public"."ignores_user_idx"`);
        await queryRunner.query(`DROP INDEX "public"."ignores_ignored_user_idx"`);
        await queryRunner.query(`DROP TABLE "ignores"`);
        await queryRunner.query(`DROP INDEX "public"."follows_followee_idx"`);
        await queryRunner.query(`DROP INDEX "public"."follows_follower_idx"`);
        await queryRunner.query(`DROP TABLE "follows"`);
    }

}
