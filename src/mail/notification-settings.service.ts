import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { AccountHooks } from '../common/hooks/account-hooks';
import { UnitOfWork } from '../database/unit-of-work';
import { UsersService } from '../users/users.service';
import { NotificationSettingsDto, NotificationSettingsView } from './dto/notification-settings.dto';
import { MailLinks } from './mail-links';
import { MailRepository } from './mail.repository';
import { ACTIVITY_TYPES, ActivityType, DEFAULT_SETTINGS, NotificationSettingsRepository } from './notification-settings.repository';

/** Readers' activity e-mail choices, and the one-click unsubscribe that changes them from an e-mail. */
@Injectable()
export class NotificationSettingsService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly settings: NotificationSettingsRepository,
    private readonly links: MailLinks,
    private readonly users: UsersService,
    messages: MailRepository,
    hooks: AccountHooks,
  ) {
    hooks.onErase(async (userId) => {
      await this.settings.deleteForUser(userId);
      await messages.deleteForUser(userId);
    });
  }

  async get(userId: string): Promise<NotificationSettingsView> {
    return (await this.settings.findMany([userId])).get(userId) ?? structuredClone(DEFAULT_SETTINGS);
  }

  async put(userId: string, body: NotificationSettingsDto): Promise<NotificationSettingsView> {
    await this.unitOfWork.run(async () => {
      await this.users.lockActiveAccount(userId);
      await this.settings.save(userId, { email: { ...body.email }, digest: body.digest });
    });
    return this.get(userId);
  }

  /** `POST /email/unsubscribe?token=`: switches the e-mail's type off (a digest's link: every type). */
  async unsubscribe(token: string): Promise<{ unsubscribed: ActivityType[] }> {
    const read = this.links.readUnsubscribeToken(token);
    if (!read) throw new AppError('INVALID_TOKEN', 'The unsubscribe link is not valid');
    const types = read.scope === 'all' ? [...ACTIVITY_TYPES] : [read.scope];
    await this.unitOfWork.run(async () => {
      // An erased reader has nothing left to unsubscribe from; the answer is the same.
      if (!(await this.users.lockActiveAccount(read.userId).then(() => true, () => false))) return;
      await this.settings.switchOff(read.userId, types);
    });
    return { unsubscribed: types };
  }

  /** Checks a token for the confirmation page without changing anything (mail scanners follow GET links). */
  isUnsubscribeToken(token: string): boolean {
    return this.links.readUnsubscribeToken(token) !== null;
  }
}
