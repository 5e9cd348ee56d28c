import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class SsoSignInDto {
  @ApiProperty({
    description:
      "A JWT from the newsroom's identity service (compact JWS: RS256, ES256 or EdDSA from SSO_JWKS_URL, or HS256 with one of SSO_SECRETS). " +
      'Claims: `iss` = SSO_ISSUER, `aud` = SSO_AUDIENCE, `sub` (required: the stable user id), `exp` (required, at most 1 hour after `iat`), ' +
      '`iat`, `email`, `email_verified`, `name`, `jti` (accepted once), `supporter_until` (ISO time; absent: unchanged; past or null: ends). Roles are never read from it.',
    maxLength: 8192,
  })
  @IsString()
  @Length(1, 8192)
  @Matches(/^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/, { message: 'token must be a compact JWT (three base64url parts)' })
  token: string;
}
