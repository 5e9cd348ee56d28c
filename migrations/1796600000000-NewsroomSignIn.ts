import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Newsroom sign-in (sso module): the link of an account to the newsroom's `sub`, the `jti`s already
 * accepted, and supporter entitlements that a newsroom subscription grants (donations module: no
 * payment behind them, one row per reader).
 */
export class NewsroomSignIn1796600000000 implements MigrationInterface {
  name = 'NewsroomSignIn1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "user_identities" ("provider" character varying(32) NOT NULL, "subject" character varying(255) NOT NULL, "user_id" uuid NOT NULL, "claimed_email" character varying(254), "claimed_name" character varying(255), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "claims_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ad3f47ebbf0a5521265b4ea2c28" PRIMARY KEY ("provider", "subject"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "user_identities_user_provider_key" ON "user_identities" ("user_id", "provider")`);
    await queryRunner.query(`ALTER TABLE "user_identities" ADD CONSTRAINT "FK_bf5fe01eb8cad7114b4c371cdc7" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    await queryRunner.query(`CREATE TABLE "sso_token_uses" ("jti" character varying(255) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_74ef48cbf779083883ffc5d773c" PRIMARY KEY ("jti"))`);
    await queryRunner.query(`CREATE INDEX "sso_token_uses_expires_idx" ON "sso_token_uses" ("expires_at")`);

    await queryRunner.query(`ALTER TABLE "supporter_entitlements" ADD "source" character varying(16) NOT NULL DEFAULT 'donation'`);
    await queryRunner.query(`ALTER TABLE "supporter_entitlements" ALTER COLUMN "donation_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "supporter_entitlements" ADD CONSTRAINT "supporter_entitlements_source_check" CHECK (("source" = 'donation' AND "donation_id" IS NOT NULL) OR ("source" = 'newsroom' AND "donation_id" IS NULL))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "supporter_entitlements_newsroom_key" ON "supporter_entitlements" ("user_id") WHERE "source" = 'newsroom'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."supporter_entitlements_newsroom_key"`);
    await queryRunner.query(`ALTER TABLE "supporter_entitlements" DROP CONSTRAINT "supporter_entitlements_source_check"`);
    await queryRunner.query(`DELETE FROM "supporter_entitlements" WHERE "source" = 'newsroom'`);
    await queryRunner.query(`ALTER TABLE "supporter_entitlements" ALTER COLUMN "donation_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "supporter_entitlements" DROP COLUMN "source"`);

    await queryRunner.query(`DROP INDEX "public"."sso_token_uses_expires_idx"`);
    await queryRunner.query(`DROP TABLE "sso_token_uses"`);

    await queryRunner.query(`ALTER TABLE "user_identities" DROP CONSTRAINT "FK_bf5fe01eb8cad7114b4c371cdc7"`);
    await queryRunner.query(`DROP INDEX "public"."user_identities_user_provider_key"`);
    await queryRunner.query(`DROP TABLE "user_identities"`);
  }
}
