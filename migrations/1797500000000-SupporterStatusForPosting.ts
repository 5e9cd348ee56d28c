import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * donations: whether a reader is a supporter now, as other modules' statements may read it (the rule of
 * `SupporterEntitlementsRepository.activeStatuses`: an unrevoked grant that has started and not yet run out), so the
 * posting statement answers the 201's `author.isSupporter` itself instead of a round trip of its own after the
 * commit (issue 13 item 2). STABLE `LANGUAGE sql`: inlined, an index probe on supporter_entitlements_user_idx.
 */
export class SupporterStatusForPosting1797500000000 implements MigrationInterface {
    name = 'SupporterStatusForPosting1797500000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE FUNCTION donations_supporter_active(account uuid) RETURNS boolean
            LANGUAGE sql STABLE AS $$
              SELECT EXISTS (
                SELECT 1 FROM supporter_entitlements
                 WHERE user_id = account AND revoked_at IS NULL AND valid_from <= now() AND valid_until > now())
            $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION donations_supporter_active(uuid)`);
    }

}
