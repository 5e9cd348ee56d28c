import { MigrationInterface, QueryRunner } from 'typeorm';

const DEFAULT_APPEAL_CURRENCIES = {
    gbp: { amounts: [300, 500, 1000, 2500], defaultAmount: 500, min: 100, max: 100000 },
    usd: { amounts: [300, 500, 1000, 2500], defaultAmount: 500, min: 100, max: 100000 },
    eur: { amounts: [300, 500, 1000, 2500], defaultAmount: 500, min: 100, max: 100000 },
};

export class Donations1795701089283 implements MigrationInterface {
    name = 'Donations1795701089283'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "appeals" ("id" character varying(64) NOT NULL, "headline" character varying(200) NOT NULL, "body" text NOT NULL, "currencies" jsonb NOT NULL, "frequencies" text array NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "appeals_id_format_check" CHECK ("id" ~ '^[A-Za-z0-9._:-]{1,64}$'), CONSTRAINT "PK_ebd2050a02aa78081b5346152bc" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "donations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid, "article_id" character varying(128) NOT NULL, "appeal_id" character varying(64) NOT NULL, "amount" integer NOT NULL, "currency" character varying(3) NOT NULL, "frequency" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "renewal_of" uuid, "stripe_checkout_session_id" character varying(255), "stripe_payment_intent_id" character varying(255), "stripe_invoice_id" character varying(255), "stripe_dispute_id" character varying(255), "stripe_subscription_id" character varying(255), "refunded_amount" integer NOT NULL DEFAULT '0', "disputed_amount" integer NOT NULL DEFAULT '0', "dispute_status" character varying(8), "paid_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_0d7e75154e5f96713e6e1ea0a33" UNIQUE ("stripe_checkout_session_id"), CONSTRAINT "UQ_97212fa43e6550c2327e798c1d9" UNIQUE ("stripe_payment_intent_id"), CONSTRAINT "UQ_d53f389ded0d0dcec4d2ec0efa6" UNIQUE ("stripe_invoice_id"), CONSTRAINT "UQ_ab91120895d0b2d586a15a9e7b2" UNIQUE ("stripe_dispute_id"), CONSTRAINT "donations_dispute_status_check" CHECK ("dispute_status" IS NULL OR "dispute_status" IN ('open', 'won', 'lost')), CONSTRAINT "donations_status_check" CHECK ("status" IN ('pending', 'succeeded', 'failed', 'expired', 'refunded', 'disputed', 'canceled')), CONSTRAINT "donations_frequency_check" CHECK ("frequency" IN ('one_off', 'monthly', 'annual')), CONSTRAINT "donations_disputed_amount_check" CHECK ("disputed_amount" >= 0 AND "disputed_amount" <= "amount"), CONSTRAINT "donations_refunded_amount_check" CHECK ("refunded_amount" >= 0 AND "refunded_amount" <= "amount"), CONSTRAINT "donations_amount_check" CHECK ("amount" > 0), CONSTRAINT "PK_c01355d6f6f50fc6d1b4a946abf" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "donations_stripe_subscription_idx" ON "donations"  ("stripe_subscription_id") `);
        await queryRunner.query(`CREATE INDEX "donations_paid_at_idx" ON "donations"  ("paid_at", "article_id") `);
        await queryRunner.query(`CREATE INDEX "donations_user_created_idx" ON "donations"  ("user_id", "created_at", "id") `);
        await queryRunner.query(`CREATE TABLE "stripe_customers" ("user_id" uuid NOT NULL, "stripe_customer_id" character varying(255) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_788f896d391ed9f54f32cef923e" UNIQUE ("stripe_customer_id"), CONSTRAINT "PK_a613fdabcd9ae32b5ca3645ba77" PRIMARY KEY ("user_id"))`);
        await queryRunner.query(`CREATE TABLE "stripe_events" ("id" character varying(255) NOT NULL, "type" character varying(100) NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "processed_at" TIMESTAMP WITH TIME ZONE, "outcome" character varying(200) NOT NULL DEFAULT 'applied', CONSTRAINT "PK_d3247bd5fc3f66b6982bbcdd897" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "stripe_subscriptions" ("id" character varying(255) NOT NULL, "donation_id" uuid NOT NULL, "user_id" uuid, "stripe_customer_id" character varying(255), "status" character varying(32) NOT NULL, "cancel_at_period_end" boolean NOT NULL DEFAULT false, "current_period_end" TIMESTAMP WITH TIME ZONE, "canceled_at" TIMESTAMP WITH TIME ZONE, "synced_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_f85b58ec957c777a3d410af98c8" UNIQUE ("donation_id"), CONSTRAINT "PK_d080e8fabf1076cbd59385308c8" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "supporter_entitlements" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "donation_id" uuid NOT NULL, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "recurring" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_35cc844173b9379d1093099ddca" UNIQUE ("donation_id"), CONSTRAINT "PK_5c251cbd71327dacf923ecfe781" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "supporter_entitlements_user_idx" ON "supporter_entitlements"  ("user_id", "valid_until") `);
        // The site-wide appeal shown under every article without its own; admins edit it with PUT /admin/appeals/default.
        await queryRunner.query(
            `INSERT INTO "appeals" ("id", "headline", "body", "currencies", "frequencies", "active") VALUES ('default', $1, $2, $3, $4, true)`,
            [
                'Support independent journalism',
                'Our reporting is free to read and paid for by readers like you. A gift of any size keeps it that way.',
                JSON.stringify(DEFAULT_APPEAL_CURRENCIES),
                ['one_off', 'monthly', 'annual'],
            ],
        );
        await queryRunner.query(`ALTER TABLE "donations" ADD CONSTRAINT "FK_e0a522570e35074125c86d817ea" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "donations" ADD CONSTRAINT "FK_44bf91d59a13875e14bd03dddd2" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "donations" ADD CONSTRAINT "FK_b95357b169764a245fd739cdb1b" FOREIGN KEY ("appeal_id") REFERENCES "appeals"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "donations" ADD CONSTRAINT "FK_ad6fb05030f63b75052972c4b40" FOREIGN KEY ("renewal_of") REFERENCES "donations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "stripe_customers" ADD CONSTRAINT "FK_a613fdabcd9ae32b5ca3645ba77" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "stripe_subscriptions" ADD CONSTRAINT "FK_f85b58ec957c777a3d410af98c8" FOREIGN KEY ("donation_id") REFERENCES "donations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "supporter_entitlements" ADD CONSTRAINT "FK_9c1bc9ab5eb83ddb7745973d84a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "supporter_entitlements" ADD CONSTRAINT "FK_35cc844173b9379d1093099ddca" FOREIGN KEY ("donation_id") REFERENCES "donations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "supporter_entitlements" DROP CONSTRAINT "FK_35cc844173b9379d1093099ddca"`);
        await queryRunner.query(`ALTER TABLE "supporter_entitlements" DROP CONSTRAINT "FK_9c1bc9ab5eb83ddb7745973d84a"`);
        await queryRunner.query(`ALTER TABLE "stripe_subscriptions" DROP CONSTRAINT "FK_f85b58ec957c777a3d410af98c8"`);
        await queryRunner.query(`ALTER TABLE "stripe_customers" DROP CONSTRAINT "FK_a613fdabcd9ae32b5ca3645ba77"`);
        await queryRunner.query(`ALTER TABLE "donations" DROP CONSTRAINT "FK_ad6fb05030f63b75052972c4b40"`);
        await queryRunner.query(`ALTER TABLE "donations" DROP CONSTRAINT "FK_b95357b169764a245fd739cdb1b"`);
        await queryRunner.query(`ALTER TABLE "donations" DROP CONSTRAINT "FK_44bf91d59a13875e14bd03dddd2"`);
        await queryRunner.query(`ALTER TABLE "donations" DROP CONSTRAINT "FK_e0a522570e35074125c86d817ea"`);
        await queryRunner.query(`DROP INDEX "public"."supporter_entitlements_user_idx"`);
        await queryRunner.query(`DROP TABLE "supporter_entitlements"`);
        await queryRunner.query(`DROP TABLE "stripe_subscriptions"`);
        await queryRunner.query(`DROP TABLE "stripe_events"`);
        await queryRunner.query(`DROP TABLE "stripe_customers"`);
        await queryRunner.query(`DROP INDEX "public"."donations_user_created_idx"`);
        await queryRunner.query(`DROP INDEX "public"."donations_paid_at_idx"`);
        await queryRunner.query(`DROP INDEX "public"."donations_stripe_subscription_idx"`);
        await queryRunner.query(`DROP TABLE "donations"`);
        await queryRunner.query(`DROP TABLE "appeals"`);
    }

}
