import { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts remember when their address was confirmed: activity e-mails go only to verified addresses. */
export class EmailVerified1796400000000 implements MigrationInterface {
  name = 'EmailVerified1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "email_verified_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "email_verified_at"`);
  }
}
