import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthResultView } from '../auth/dto/auth.dto';
import { AllowSanctioned, Public } from '../common/auth/auth.decorators';
import { StrictRateLimit } from '../common/rate-limit/rate-limit.decorators';
import { SsoSignInDto } from './dto/sso.dto';
import { SsoService } from './sso.service';

@ApiTags('auth')
@Controller('auth')
export class SsoController {
  constructor(private readonly sso: SsoService) {}

  @Post('sso')
  @AllowSanctioned()
  @Public()
  @StrictRateLimit()
  @HttpCode(200)
  @ApiOperation({
    summary: "Sign in with a token from the newsroom's identity service",
    description:
      'Exchanges a short-lived newsroom JWT for a Margin session (the account is created on first use). ' +
      'The same `sub` always reaches the same account; a first sign-in whose verified `email` belongs to a local account with a verified address links to it, ' +
      'any other clash is 409 EMAIL_TAKEN. 401 INVALID_SSO_TOKEN for a bad signature, issuer, audience, expiry, a missing or malformed claim, or a replayed `jti`; ' +
      "404 SSO_NOT_CONFIGURED without keys; 503 SSO_KEYS_UNAVAILABLE (with Retry-After) while the newsroom's key set cannot be fetched and no key already fetched matches.",
  })
  @ApiOkResponse({ type: AuthResultView })
  signIn(@Body() body: SsoSignInDto): Promise<AuthResultView> {
    return this.sso.signIn(body.token);
  }
}
