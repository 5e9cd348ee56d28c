import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { NewsroomAccountConfirmation } from '../common/hooks/account-hooks';
import { DonationsModule } from '../donations/donations.module';
import { UsersModule } from '../users/users.module';
import { NewsroomTokenVerifier } from './newsroom-token.verifier';
import { SsoController } from './sso.controller';
import { SsoRepository } from './sso.repository';
import { SsoService } from './sso.service';

/** Newsroom sign-in: the newsroom's JWTs exchanged for Margin sessions; owns user_identities and sso_token_uses. */
@Module({
  imports: [UsersModule, AuthModule, DonationsModule],
  controllers: [SsoController],
  providers: [
    NewsroomTokenVerifier,
    SsoRepository,
    SsoService,
    // Erasure of an account without a password is confirmed with a newsroom token (AccountHooks refuses to start without it).
    { provide: NewsroomAccountConfirmation, useExisting: SsoService },
  ],
})
export class SsoModule {}
