import { MigrationInterface, QueryRunner } from 'typeorm';

export class FeedNewestIndex1796119164622 implements MigrationInterface {
    name = 'FeedNewestIndex1796119164622'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "comments_visible_newest_idx" ON "comments"  ("created_at", "id", "author_id") WHERE "status" = 'visible'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."comments_visible_newest_idx"`);
    }

}
