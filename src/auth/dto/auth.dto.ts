import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength, MinLength } from 'class-validator';
import { DisplayNameField, EmailField, IsPlainText, LoginEmailField } from '../../common/validation/text-fields';
import { UserView } from '../../users/dto/user.views';

export class RegisterDto {
  @ApiProperty({ format: 'email', maxLength: 254, description: 'Unique whatever the case' })
  @EmailField()
  email: string;

  @ApiProperty({ minLength: 10, maxLength: 256 })
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters' })
  @MaxLength(256)
  password: string;

  @ApiProperty({ minLength: 2, maxLength: 40, description: 'Shown beside comments; unique whatever the case' })
  @DisplayNameField()
  displayName: string;
}

export class LoginDto {
  @ApiProperty({ format: 'email' })
  @LoginEmailField()
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 256)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from the last login or refresh' })
  @IsString()
  @Length(1, 200)
  @IsPlainText({ multiline: false })
  refreshToken: string;
}

export class TokenPairView {
  @ApiProperty({ description: 'Bearer token for `Authorization`; lives at most 15 minutes' }) accessToken: string;
  @ApiProperty({ description: 'Single-use; exchange it at /auth/refresh for a new pair' }) refreshToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn: number;
}

export class AuthResultView extends TokenPairView {
  @ApiProperty({ type: UserView }) user: UserView;
}
