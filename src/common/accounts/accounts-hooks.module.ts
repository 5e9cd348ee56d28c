import { Global, Module } from '@nestjs/common';
import { AccountHooks } from './account-hooks';

@Global()
@Module({ providers: [AccountHooks], exports: [AccountHooks] })
export class AccountHooksModule {}
