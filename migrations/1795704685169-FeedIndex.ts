import { MigrationInterface, QueryRunner } from 'typeorm';

export class FeedIndex1795704685169 implements MigrationInterface {
    name = 'FeedIndex1795704685169'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "comments_author_visible_idx" ON "comments"  ("author_id", "created_at", "id") WHERE "status" = 'visible'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."comments_author_visible_idx"`);
    }

}
