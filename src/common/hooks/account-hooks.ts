import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { requiredProvider } from './required-provider';

export interface SupporterStatus {
  active: boolean;
  since: string | null;
  until: string | null;
  recurring: boolean;
}

export const NOT_A_SUPPORTER: SupporterStatus = { active: false, since: null, until: null, recurring: false };

/** Supporter status of readers; provided by the donations module. */
export abstract class SupporterStatusProvider {
  /** Statuses of distinct, non-empty `userIds`; readers without one may be missing from the map. */
  abstract supporterStatuses(userIds: string[]): Promise<Map<string, SupporterStatus>>;
}

/** A reader's unread notification count; provided by the notifications module. */
export abstract class UnreadCountProvider {
  abstract unreadCount(userId: string): Promise<number>;
}

/** The readers a viewer ignores; provided by the follows module (SQL twin: its `ignored_authors(viewer)`). */
export abstract class IgnoreListProvider {
  abstract ignoredUserIds(viewerId: string): Promise<string[]>;
}

/**
 * Confirms that a newsroom sign-in token belongs to an account (an account made by newsroom sign-in has no
 * password to confirm its erasure with); provided by the sso module.
 */
export abstract class NewsroomAccountConfirmation {
  /** True when `token` is a valid newsroom token whose subject is linked to `userId`. */
  abstract confirmsAccount(userId: string, token: string): Promise<boolean>;
}

type Eraser = (userId: string) => Promise<void>;
type ErasureLocker = (userId: string) => Promise<void>;

/**
 * Lets feature modules take part in account-wide concerns without the users
 * module depending on them: erasure (in the erasure transaction), supporter
 * status, unread notification counts and the viewer's ignore list. Each read
 * is a provider its owner registers through DI; a missing one fails start-up.
 */
@Injectable()
export class AccountHooks implements OnModuleInit {
  private readonly erasers: Eraser[] = [];
  private readonly erasureLockers: ErasureLocker[] = [];
  private supporters?: SupporterStatusProvider;
  private unread?: UnreadCountProvider;
  private ignores?: IgnoreListProvider;
  private newsroom?: NewsroomAccountConfirmation;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    this.supporters = requiredProvider(this.moduleRef, SupporterStatusProvider, 'donations');
    this.unread = requiredProvider(this.moduleRef, UnreadCountProvider, 'notifications');
    this.ignores = requiredProvider(this.moduleRef, IgnoreListProvider, 'follows');
    this.newsroom = requiredProvider(this.moduleRef, NewsroomAccountConfirmation, 'sso');
  }

  newsroomConfirmsAccount(userId: string, token: string): Promise<boolean> {
    return this.provided(this.newsroom).confirmsAccount(userId, token);
  }

  onErase(eraser: Eraser): void {
    this.erasers.push(eraser);
  }

  /**
   * Locks an eraser needs that come before the account row in the lock order
   * (articles): taken by every module before any eraser runs, whatever the order
   * the modules registered in, so no eraser holds a row while another waits for an article.
   */
  onEraseLock(locker: ErasureLocker): void {
    this.erasureLockers.push(locker);
  }

  async lockForErasure(userId: string): Promise<void> {
    for (const locker of this.erasureLockers) await locker(userId);
  }

  async runErasers(userId: string): Promise<void> {
    for (const eraser of this.erasers) await eraser(userId);
  }

  async supporterStatuses(userIds: string[]): Promise<Map<string, SupporterStatus>> {
    return userIds.length === 0 ? new Map() : this.provided(this.supporters).supporterStatuses([...new Set(userIds)]);
  }

  async supporterStatus(userId: string): Promise<SupporterStatus> {
    return (await this.supporterStatuses([userId])).get(userId) ?? NOT_A_SUPPORTER;
  }

  unreadCount(userId: string): Promise<number> {
    return this.provided(this.unread).unreadCount(userId);
  }

  /** Readers the viewer ignores: their comments are left out of what the viewer reads. */
  ignoredUserIds(viewerId: string | undefined): Promise<string[]> {
    return viewerId ? this.provided(this.ignores).ignoredUserIds(viewerId) : Promise.resolve([]);
  }

  private provided<T>(provider: T | undefined): T {
    if (!provider) throw new Error('AccountHooks used before the application finished starting');
    return provider;
  }
}
