import { MigrationInterface, QueryRunner } from 'typeorm';

export class Articles1795700737842 implements MigrationInterface {
    name = 'Articles1795700737842'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "articles" ("id" character varying(128) NOT NULL, "title" character varying(500) NOT NULL, "url" character varying(2048) NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE, "comments_open" boolean NOT NULL DEFAULT true, "appeal_id" character varying(64), "comment_count" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "articles_comment_count_check" CHECK ("comment_count" >= 0), CONSTRAINT "articles_id_format_check" CHECK ("id" ~ '^[A-Za-z0-9._:-]{1,128}$'), CONSTRAINT "PK_0a6e2c450d83e0b6052c2793334" PRIMARY KEY ("id"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "articles"`);
    }

}
