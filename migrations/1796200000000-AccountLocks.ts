import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The users module's account lock, as SQL functions other modules' statements call
 * (so the lock key and the "not erased" rule live in one place, and a hot statement
 * takes the lock without a round trip of its own). Each statement in a volatile
 * function takes a fresh snapshot, so the check that follows the lock sees an
 * erasure that committed while this transaction waited for it.
 */
export class AccountLocks1796200000000 implements MigrationInterface {
    name = 'AccountLocks1796200000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE FUNCTION margin_lock_active_account(account uuid) RETURNS boolean
            LANGUAGE plpgsql VOLATILE AS $$
            BEGIN
              PERFORM pg_advisory_xact_lock_shared(4242004, hashtext(account::text));
              PERFORM 1 FROM users WHERE id = account AND erased_at IS NULL;
              RETURN FOUND;
            END $$`);
        await queryRunner.query(`CREATE FUNCTION margin_lock_account_for_erasure(account uuid) RETURNS void
            LANGUAGE sql VOLATILE AS $$ SELECT pg_advisory_xact_lock(4242004, hashtext(account::text)) $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION margin_lock_account_for_erasure(uuid)`);
        await queryRunner.query(`DROP FUNCTION margin_lock_active_account(uuid)`);
    }

}
