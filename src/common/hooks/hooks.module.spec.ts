import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AccountHooks, IgnoreListProvider, NewsroomAccountConfirmation, SupporterStatusProvider, UnreadCountProvider } from './account-hooks';
import { CommentPolicy, InitialStatusRule } from './comment-policy';
import { HooksModule } from './hooks.module';

const supporters = { supporterStatuses: async () => new Map() };
const unread = { unreadCount: async () => 0 };
const ignores = { ignoredUserIds: async () => [] };
const newsroom = { confirmsAccount: async () => false };
const rule = { screen: async () => ({ version: 1 }), initialStatus: async () => ({ status: 'pending' as const, systemReport: null }) };

/** An application of the hooks module plus whichever rule providers `registered` lists, each from a module of its own. */
async function startWith(registered: { provide: unknown; useValue: unknown }[]) {
  const owners = registered.map((provider) => {
    @Module({ providers: [provider as never] })
    class OwnerModule {}
    return OwnerModule;
  });
  const moduleRef = await Test.createTestingModule({ imports: [HooksModule, ...owners] }).compile();
  return moduleRef.init();
}

const ALL = [
  { provide: SupporterStatusProvider, useValue: supporters },
  { provide: UnreadCountProvider, useValue: unread },
  { provide: IgnoreListProvider, useValue: ignores },
  { provide: NewsroomAccountConfirmation, useValue: newsroom },
  { provide: InitialStatusRule, useValue: rule },
];

describe('HooksModule (rules other modules provide)', () => {
  it('starts when every rule is registered, and uses the registered ones', async () => {
    const app = await startWith(ALL);
    const facts = { authorId: 'a', authorRole: 'reader' as const, articleId: 'x', body: 'b', parentId: null };
    const screening = await app.get(CommentPolicy).screen(facts);
    expect(await app.get(CommentPolicy).initialStatus(facts, { context: null }, screening)).toEqual({ status: 'pending', systemReport: null });
    expect(await app.get(AccountHooks).unreadCount('a')).toBe(0);
    await app.close();
  });

  it.each(ALL.map((provider) => [provider.provide.name, provider.provide]))('refuses to start without a %s (no default that fails open)', async (name, token) => {
    await expect(startWith(ALL.filter((provider) => provider.provide !== token))).rejects.toThrow(`No ${name} is registered`);
  });
});
