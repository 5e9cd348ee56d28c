import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength, MinLength } from 'class-validator';
import { EmailField, IsPlainText, LoginEmailField } from '../../common/validation/text-fields';

/** A token from an e-mailed link (`token=`): 43 base64url characters as Margin issues them; anything else is simply unknown. */
function TokenField(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, 200)(target, key);
    IsPlainText({ multiline: false })(target, key);
  };
}

export class PasswordResetRequestDto {
  @ApiProperty({ format: 'email', maxLength: 254, description: 'The answer is the same whether or not an account has this address' })
  @LoginEmailField()
  email: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The `token` of the reset link (valid 1 hour, single use)' })
  @TokenField()
  token: string;

  @ApiProperty({ minLength: 10, maxLength: 256 })
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters' })
  @MaxLength(256)
  password: string;
}

export class VerifyEmailDto {
  @ApiProperty({ description: 'The `token` of the verification link (valid 24 hours, single use)' })
  @TokenField()
  token: string;
}

export class ChangeEmailDto {
  @ApiProperty({ format: 'email', maxLength: 254, description: 'The new address; it replaces the current one once its link is followed' })
  @EmailField()
  email: string;

  @ApiProperty({ description: 'The current password' })
  @IsString()
  @Length(1, 256)
  password: string;
}

export class UnsubscribeQueryDto {
  @ApiProperty({ description: 'The token of the `List-Unsubscribe` link' })
  @TokenField()
  token: string;
}

export class UnsubscribedView {
  @ApiProperty({ enum: ['reply', 'featured', 'moderation', 'followedComment', 'follow'], isArray: true, description: 'The activity e-mails now switched off' })
  unsubscribed: string[];
}
