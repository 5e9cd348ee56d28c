import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowSanctioned, Auth, CurrentUser, Public, Write } from '../common/auth/auth.decorators';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { StrictRateLimit } from '../common/rate-limit/rate-limit.decorators';
import { AuthService } from './auth.service';
import { AuthResultView, LoginDto, RefreshDto, RegisterDto, TokenPairView } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Write()
  @Public()
  @StrictRateLimit()
  @ApiOperation({ summary: 'Create a reader account and sign in' })
  @ApiCreatedResponse({ type: AuthResultView })
  register(@Body() body: RegisterDto): Promise<AuthResultView> {
    return this.auth.register(body);
  }

  @Post('login')
  @AllowSanctioned()
  @Public()
  @StrictRateLimit()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; a wrong email and a wrong password get the same 401' })
  @ApiOkResponse({ type: AuthResultView })
  login(@Body() body: LoginDto): Promise<AuthResultView> {
    return this.auth.login(body);
  }

  @Post('refresh')
  @AllowSanctioned()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; reusing an old one ends the session' })
  @ApiOkResponse({ type: TokenPairView })
  refresh(@Body() body: RefreshDto): Promise<TokenPairView> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @Auth()
  @AllowSanctioned()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session' })
  @ApiNoContentResponse()
  logout(@CurrentUser() user: AuthenticatedUser, @Body() body: RefreshDto): Promise<void> {
    return this.auth.logout(user, body.refreshToken);
  }
}
