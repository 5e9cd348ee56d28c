import { MigrationInterface, QueryRunner } from 'typeorm';

export class Moderation1795701168438 implements MigrationInterface {
    name = 'Moderation1795701168438'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "moderation_actions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "actor_id" uuid, "action" character varying(40) NOT NULL, "target_type" character varying(16) NOT NULL, "target_id" character varying(128) NOT NULL, "reason" character varying(1000), "metadata" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d259906fb4d2a5ef718f1f66e35" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "moderation_actions_target_idx" ON "moderation_actions"  ("target_type", "target_id", "created_at") `);
        await queryRunner.query(`CREATE INDEX "moderation_actions_created_idx" ON "moderation_actions"  ("created_at", "id") `);
        await queryRunner.query(`CREATE TABLE "moderation_settings" ("id" smallint NOT NULL, "banned_words" text array NOT NULL DEFAULT '{}', "premoderate_new_readers" boolean NOT NULL DEFAULT false, "version" integer NOT NULL DEFAULT '1', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "moderation_settings_single_row_check" CHECK ("id" = 1), CONSTRAINT "PK_f8991bbeb265cb2a512f3811fe2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`ALTER TABLE "moderation_actions" ADD CONSTRAINT "FK_fb3a6f1f4f84c2e834e86bea465" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        // The moderation queues: most reported first then oldest; pending oldest first; hidden newest first.
        await queryRunner.query(`CREATE INDEX "comments_reported_queue_idx" ON "comments" ("open_report_count" DESC, "created_at", "id") WHERE "open_report_count" > 0 AND "status" <> 'deleted'`);
        await queryRunner.query(`CREATE INDEX "comments_pending_queue_idx" ON "comments" ("created_at", "id") WHERE "status" = 'pending'`);
        await queryRunner.query(`CREATE INDEX "comments_hidden_queue_idx" ON "comments" ("created_at", "id") WHERE "status" = 'hidden'`);
        // An author's standing counts their hidden comments.
        await queryRunner.query(`CREATE INDEX "comments_author_hidden_idx" ON "comments" ("author_id") WHERE "status" = 'hidden'`);
        // The one settings row exists from the start; the app only ever updates it.
        await queryRunner.query(`INSERT INTO "moderation_settings" ("id") VALUES (1)`);
        // The audit log is append-only: the database refuses to rewrite or delete an entry
        // (clearing the actor when its user row goes is the one change allowed).
        await queryRunner.query(`CREATE FUNCTION "moderation_actions_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
                   AND (NEW.id, NEW.action, NEW.target_type, NEW.target_id, NEW.reason, NEW.metadata, NEW.created_at)
                       IS NOT DISTINCT FROM (OLD.id, OLD.action, OLD.target_type, OLD.target_id, OLD.reason, OLD.metadata, OLD.created_at) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'moderation_actions is append-only' USING ERRCODE = 'restrict_violation';
            END $$`);
        await queryRunner.query(`CREATE TRIGGER "moderation_actions_append_only" BEFORE UPDATE OR DELETE ON "moderation_actions" FOR EACH ROW EXECUTE FUNCTION "moderation_actions_append_only"()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "moderation_actions_append_only" ON "moderation_actions"`);
        await queryRunner.query(`DROP FUNCTION "moderation_actions_append_only"()`);
        await queryRunner.query(`DROP INDEX "public"."comments_author_hidden_idx"`);
        await queryRunner.query(`DROP INDEX "public"."comments_hidden_queue_idx"`);
        await queryRunner.query(`DROP INDEX "public"."comments_pending_queue_idx"`);
        await queryRunner.query(`DROP INDEX "public"."comments_reported_queue_idx"`);
        await queryRunner.query(`ALTER TABLE "moderation_actions" DROP CONSTRAINT "FK_fb3a6f1f4f84c2e834e86bea465"`);
        await queryRunner.query(`DROP TABLE "moderation_settings"`);
        await queryRunner.query(`DROP INDEX "public"."moderation_actions_created_idx"`);
        await queryRunner.query(`DROP INDEX "public"."moderation_actions_target_idx"`);
        await queryRunner.query(`DROP TABLE "moderation_actions"`);
    }

}
