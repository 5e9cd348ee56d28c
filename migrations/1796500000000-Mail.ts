import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mail module's tables: the outbox (one row per e-mail, unique idempotency key), account tokens (hashed,
 * single use, expiring, bound to a purpose and an address), readers' notification settings, and the activity
 * items waiting for a reader's digest.
 */
export class Mail1796500000000 implements MigrationInterface {
    name = 'Mail1796500000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "mail_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "idempotency_key" character varying(200) NOT NULL, "kind" character varying(32) NOT NULL, "user_id" uuid, "to_address" character varying(254) NOT NULL, "subject" character varying(300) NOT NULL, "text_body" text NOT NULL, "html_body" text NOT NULL, "headers" jsonb NOT NULL DEFAULT '{}', "status" character varying(16) NOT NULL DEFAULT 'queued', "attempts" integer NOT NULL DEFAULT 0, "last_error" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "claimed_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "mail_messages_status_check" CHECK ("status" IN ('queued', 'sending', 'sent', 'failed', 'discarded')), CONSTRAINT "PK_mail_messages" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "mail_messages_idempotency_key" ON "mail_messages" ("idempotency_key") `);
        await queryRunner.query(`CREATE INDEX "mail_messages_user_idx" ON "mail_messages" ("user_id") `);
        await queryRunner.query(`CREATE INDEX "mail_messages_unsent_idx" ON "mail_messages" ("created_at") WHERE "status" IN ('queued', 'sending')`);
        await queryRunner.query(`CREATE TABLE "account_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "purpose" character varying(16) NOT NULL, "address" citext NOT NULL, "token_hash" bytea NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "account_tokens_purpose_check" CHECK ("purpose" IN ('verify_email', 'reset_password')), CONSTRAINT "PK_account_tokens" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "account_tokens_hash_key" ON "account_tokens" ("token_hash") `);
        await queryRunner.query(`CREATE INDEX "account_tokens_user_idx" ON "account_tokens" ("user_id", "purpose", "created_at") `);
        await queryRunner.query(`CREATE TABLE "notification_settings" ("user_id" uuid NOT NULL, "reply" boolean NOT NULL DEFAULT true, "featured" boolean NOT NULL DEFAULT true, "moderation" boolean NOT NULL DEFAULT true, "followed_comment" boolean NOT NULL DEFAULT false, "follow" boolean NOT NULL DEFAULT false, "digest" character varying(16) NOT NULL DEFAULT 'immediate', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "notification_settings_digest_check" CHECK ("digest" IN ('immediate', 'hourly', 'daily')), CONSTRAINT "PK_notification_settings" PRIMARY KEY ("user_id"))`);
        await queryRunner.query(`CREATE TABLE "mail_digest_items" ("notification_id" uuid NOT NULL, "user_id" uuid NOT NULL, "type" character varying(32) NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_mail_digest_items" PRIMARY KEY ("notification_id"))`);
        await queryRunner.query(`CREATE INDEX "mail_digest_items_due_idx" ON "mail_digest_items" ("due_at", "user_id") `);
        await queryRunner.query(`CREATE INDEX "mail_digest_items_user_idx" ON "mail_digest_items" ("user_id") `);
        await queryRunner.query(`ALTER TABLE "mail_messages" ADD CONSTRAINT "FK_mail_messages_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "account_tokens" ADD CONSTRAINT "FK_account_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "notification_settings" ADD CONSTRAINT "FK_notification_settings_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "mail_digest_items" ADD CONSTRAINT "FK_mail_digest_items_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // A moderator featuring a comment tells its author (the `featured` notification and e-mail).
        await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_type_check"`);
        await queryRunner.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_type_check" CHECK ("type" IN ('reply', 'follow', 'followed_comment', 'moderation', 'featured'))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DELETE FROM "notifications" WHERE "type" = 'featured'`);
        await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_type_check"`);
        await queryRunner.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_type_check" CHECK ("type" IN ('reply', 'follow', 'followed_comment', 'moderation'))`);
        await queryRunner.query(`ALTER TABLE "mail_digest_items" DROP CONSTRAINT "FK_mail_digest_items_user"`);
        await queryRunner.query(`ALTER TABLE "notification_settings" DROP CONSTRAINT "FK_notification_settings_user"`);
        await queryRunner.query(`ALTER TABLE "account_tokens" DROP CONSTRAINT "FK_account_tokens_user"`);
        await queryRunner.query(`ALTER TABLE "mail_messages" DROP CONSTRAINT "FK_mail_messages_user"`);
        await queryRunner.query(`DROP INDEX "public"."mail_digest_items_user_idx"`);
        await queryRunner.query(`DROP INDEX "public"."mail_digest_items_due_idx"`);
        await queryRunner.query(`DROP TABLE "mail_digest_items"`);
        await queryRunner.query(`DROP TABLE "notification_settings"`);
        await queryRunner.query(`DROP INDEX "public"."account_tokens_user_idx"`);
        await queryRunner.query(`DROP INDEX "public"."account_tokens_hash_key"`);
        await queryRunner.query(`DROP TABLE "account_tokens"`);
        await queryRunner.query(`DROP INDEX "public"."mail_messages_unsent_idx"`);
        await queryRunner.query(`DROP INDEX "public"."mail_messages_user_idx"`);
        await queryRunner.query(`DROP INDEX "public"."mail_messages_idempotency_key"`);
        await queryRunner.query(`DROP TABLE "mail_messages"`);
    }
}
