import { Injectable } from '@nestjs/common';

export interface SupporterStatus {
  active: boolean;
  since: string | null;
  until: string | null;
  recurring: boolean;
}

export const NOT_A_SUPPORTER: SupporterStatus = { active: false, since: null, until: null, recurring: false };

type Eraser = (userId: string) => Promise<void>;
type ErasureLocker = (userId: string) => Promise<void>;
type SupporterReader = (userIds: string[]) => Promise<Map<string, SupporterStatus>>;
type UnreadCounter = (userId: string) => Promise<number>;
type IgnoreReader = (viewerId: string) => Promise<string[]>;
/** A SQL boolean expression: does the viewer (given as a placeholder such as `$1`) ignore anyone? */
type IgnoresAnyoneSql = (viewerPlaceholder: string) => string;

/**
 * Lets feature modules take part in account-wide concerns without the users
 * module depending on them: erasure (in the erasure transaction), supporter
 * status, unread notification counts and the viewer's ignore list.
 */
@Injectable()
export class AccountHooks {
  private readonly erasers: Eraser[] = [];
  private readonly erasureLockers: ErasureLocker[] = [];
  private supporterReader: SupporterReader = async () => new Map();
  private unreadCounter: UnreadCounter = async () => 0;
  private ignoreReader: IgnoreReader = async () => [];
  private ignoresAnyone: IgnoresAnyoneSql = () => 'false';

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

  provideSupporterStatus(reader: SupporterReader): void {
    this.supporterReader = reader;
  }

  provideUnreadCount(counter: UnreadCounter): void {
    this.unreadCounter = counter;
  }

  /**
   * `ignoresAnyoneSql` lets a hot read ask "does this viewer ignore anyone?" inside
   * a statement it makes anyway, instead of a round trip of its own.
   */
  provideIgnoredUsers(reader: IgnoreReader, ignoresAnyoneSql: IgnoresAnyoneSql): void {
    this.ignoreReader = reader;
    this.ignoresAnyone = ignoresAnyoneSql;
  }

  ignoresAnyoneSql(viewerPlaceholder: string): string {
    return this.ignoresAnyone(viewerPlaceholder);
  }

  async runErasers(userId: string): Promise<void> {
    for (const eraser of this.erasers) await eraser(userId);
  }

  async supporterStatuses(userIds: string[]): Promise<Map<string, SupporterStatus>> {
    return userIds.length === 0 ? new Map() : this.supporterReader([...new Set(userIds)]);
  }

  async supporterStatus(userId: string): Promise<SupporterStatus> {
    return (await this.supporterStatuses([userId])).get(userId) ?? NOT_A_SUPPORTER;
  }

  unreadCount(userId: string): Promise<number> {
    return this.unreadCounter(userId);
  }

  /** Readers the viewer ignores: their comments are left out of what the viewer reads. */
  ignoredUserIds(viewerId: string | undefined): Promise<string[]> {
    return viewerId ? this.ignoreReader(viewerId) : Promise.resolve([]);
  }
}
