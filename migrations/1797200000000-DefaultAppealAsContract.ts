import { MigrationInterface, QueryRunner } from 'typeorm';

const SEEDED = {
  gbp: { amounts: [300, 500, 1000, 2500], defaultAmount: 500, min: 100, max: 100000 },
  usd: { amounts: [300, 500, 1000, 2500], defaultAmount: 500, min: 100, max: 100000 },
  eur: { amounts: [300, 500, 1000, 2500], defaultAmount: 500, min: 100, max: 100000 },
};

/** The contract's default appeal: £3, £5 and £10 with £5 preselected. */
const CONTRACT = {
  gbp: { amounts: [300, 500, 1000], defaultAmount: 500, min: 100, max: 100000 },
};

/**
 * The site-wide appeal as first seeded becomes the contract's example (`gbp` only, amounts 300, 500, 1000, default
 * 500). An appeal an admin has already changed is left as it is.
 */
export class DefaultAppealAsContract1797200000000 implements MigrationInterface {
  name = 'DefaultAppealAsContract1797200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "appeals" SET "currencies" = $1::jsonb, "updated_at" = now() WHERE "id" = 'default' AND "currencies" = $2::jsonb`, [
      JSON.stringify(CONTRACT),
      JSON.stringify(SEEDED),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "appeals" SET "currencies" = $1::jsonb, "updated_at" = now() WHERE "id" = 'default' AND "currencies" = $2::jsonb`, [
      JSON.stringify(SEEDED),
      JSON.stringify(CONTRACT),
    ]);
  }
}
