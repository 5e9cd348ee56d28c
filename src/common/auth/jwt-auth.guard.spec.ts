import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { loadConfig } from '../../config/app-config';
import { AppError } from '../errors/app-error';
import { JwtAuthGuard } from './jwt-auth.guard';

describe('JwtAuthGuard', () => {
  const guard = new JwtAuthGuard(new Reflector(), loadConfig({ JWT_SECRET: 'unit-test-secret-0123456789abcdef0123' }));

  it.each(['rpc', 'ws'])('refuses a %s context, which it cannot authenticate (fail closed)', async (type) => {
    const context = { getType: () => type } as unknown as ExecutionContext;
    await expect(guard.canActivate(context)).rejects.toThrow(AppError);
  });
});
