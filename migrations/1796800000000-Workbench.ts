import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The moderator's workbench: when a comment was featured (the article's picks,
 * most recently featured first, on an index of their own), a reader's comments
 * of one status, and moderators' notes about readers.
 */
export class Workbench1796800000000 implements MigrationInterface {
  name = 'Workbench1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "comments" ADD "featured_at" TIMESTAMP WITH TIME ZONE`);
    // Comments featured before this column existed: the time of their last feature on the audit log, else their own.
    await queryRunner.query(
      `UPDATE "comments" c SET "featured_at" = COALESCE(
         (SELECT max(a."created_at") FROM "moderation_actions" a
           WHERE a."target_type" = 'comment' AND a."target_id" = c."id"::text AND a."action" = 'comment.feature'),
         c."created_at")
        WHERE c."featured"`,
    );
    await queryRunner.query(`ALTER TABLE "comments" ADD CONSTRAINT "comments_featured_at_check" CHECK ("featured" = ("featured_at" IS NOT NULL))`);
    await queryRunner.query(
      `CREATE INDEX "comments_picks_idx" ON "comments" ("article_id", "featured_at" DESC, "id" DESC) WHERE "featured" AND "status" = 'visible'`,
    );
    await queryRunner.query(`CREATE INDEX "comments_author_status_idx" ON "comments"  ("author_id", "status", "created_at", "id") `);

    await queryRunner.query(
      `CREATE TABLE "moderator_notes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "subject_id" uuid NOT NULL, "author_id" uuid, "body" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "moderator_notes_body_check" CHECK (char_length("body") BETWEEN 1 AND 2000), CONSTRAINT "PK_acf4bc104078725fd19d8507a7f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "moderator_notes_author_idx" ON "moderator_notes"  ("author_id") `);
    await queryRunner.query(`CREATE INDEX "moderator_notes_subject_idx" ON "moderator_notes"  ("subject_id", "created_at", "id") `);
    await queryRunner.query(
      `ALTER TABLE "moderator_notes" ADD CONSTRAINT "FK_53dbe8f92039e3205f0dd5f89f4" FOREIGN KEY ("subject_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "moderator_notes" ADD CONSTRAINT "FK_72fdeddce1120909dca8bad8f51" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "moderator_notes" DROP CONSTRAINT "FK_72fdeddce1120909dca8bad8f51"`);
    await queryRunner.query(`ALTER TABLE "moderator_notes" DROP CONSTRAINT "FK_53dbe8f92039e3205f0dd5f89f4"`);
    await queryRunner.query(`DROP INDEX "public"."moderator_notes_subject_idx"`);
    await queryRunner.query(`DROP INDEX "public"."moderator_notes_author_idx"`);
    await queryRunner.query(`DROP TABLE "moderator_notes"`);
    await queryRunner.query(`DROP INDEX "public"."comments_author_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."comments_picks_idx"`);
    await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "comments_featured_at_check"`);
    await queryRunner.query(`ALTER TABLE "comments" DROP COLUMN "featured_at"`);
  }
}
