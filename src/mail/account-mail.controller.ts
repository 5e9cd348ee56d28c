import { Body, Controller, HttpCode, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowSanctioned, Auth, CurrentUser, Public } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { StrictRateLimit } from '../common/rate-limit/rate-limit.decorators';
import { AccountMailService } from './account-mail.service';
import { ChangeEmailDto, PasswordResetConfirmDto, PasswordResetRequestDto, VerifyEmailDto } from './dto/account-mail.dto';

@ApiTags('auth')
@Controller()
export class AccountMailController {
  constructor(private readonly accountMail: AccountMailService) {}

  @Post('auth/password-reset')
  @Public()
  @AllowSanctioned()
  @StrictRateLimit()
  @HttpCode(202)
  @ApiOperation({ summary: 'E-mail a password reset link (valid 1 hour); the same answer whether or not the address has an account' })
  @ApiAcceptedResponse({ description: 'Accepted; an e-mail follows if the address has an account' })
  passwordReset(@Body() body: PasswordResetRequestDto): Promise<void> {
    return this.accountMail.requestPasswordReset(body.email);
  }

  @Post('auth/password-reset/confirm')
  @Public()
  @AllowSanctioned()
  @StrictRateLimit()
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with a reset link\'s token; every session of the account ends' })
  @ApiNoContentResponse()
  confirmPasswordReset(@Body() body: PasswordResetConfirmDto): Promise<void> {
    return this.accountMail.confirmPasswordReset(body.token, body.password);
  }

  @Post('auth/verify-email')
  @Public()
  @AllowSanctioned()
  @StrictRateLimit()
  @HttpCode(204)
  @ApiOperation({ summary: 'Confirm an address with a verification link\'s token; it becomes the account\'s verified email' })
  @ApiNoContentResponse()
  verifyEmail(@Body() body: VerifyEmailDto): Promise<void> {
    return this.accountMail.verifyEmail(body.token);
  }

  @Post('me/email-verification')
  @Auth()
  @AllowSanctioned()
  @HttpCode(202)
  @ApiOperation({ summary: 'E-mail a new verification link to the current address (at most 3 an hour)' })
  @ApiAcceptedResponse({ description: 'Accepted; nothing is sent when the address is already verified' })
  requestVerification(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.accountMail.requestVerification(user.id);
  }

  @Put('me/email')
  @Auth()
  @AllowSanctioned()
  @HttpCode(202)
  @ApiOperation({ summary: 'Change the address: a link goes to the new one, and the account\'s email changes only when it is followed' })
  @ApiAcceptedResponse({ description: 'Accepted; the verification link is on its way to the new address' })
  changeEmail(@CurrentUser() user: AuthenticatedUser, @Body() body: ChangeEmailDto): Promise<void> {
    return this.accountMail.requestEmailChange(user.id, body.email, body.password);
  }
}
