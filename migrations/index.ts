import { Accounts1795700431345 } from './1795700431345-Accounts';
import { Articles1795700737842 } from './1795700737842-Articles';
import { Comments1795700798329 } from './1795700798329-Comments';
import { FollowsNotifications1795701048606 } from './1795701048606-FollowsNotifications';
import { Donations1795701089283 } from './1795701089283-Donations';
import { Moderation1795701168438 } from './1795701168438-Moderation';
import { FeedIndex1795704685169 } from './1795704685169-FeedIndex';
import { FeedNewestIndex1796119164622 } from './1796119164622-FeedNewestIndex';
import { AccountLocks1796200000000 } from './1796200000000-AccountLocks';
import { ModuleSqlInterfaces1796300000000 } from './1796300000000-ModuleSqlInterfaces';
import { EmailVerified1796400000000 } from './1796400000000-EmailVerified';
import { Mail1796500000000 } from './1796500000000-Mail';
import { NewsroomSignIn1796600000000 } from './1796600000000-NewsroomSignIn';
import { Workbench1796800000000 } from './1796800000000-Workbench';
import { ModerationRules1796900000000 } from './1796900000000-ModerationRules';
import { Webhooks1797000000000 } from './1797000000000-Webhooks';
import { DefaultAppealAsContract1797200000000 } from './1797200000000-DefaultAppealAsContract';
import { PostingWithoutArticleLock1797300000000 } from './1797300000000-PostingWithoutArticleLock';
import { SupporterStatusForPosting1797500000000 } from './1797500000000-SupporterStatusForPosting';
import { LeanActivityMail1797800000000 } from './1797800000000-LeanActivityMail';

/** Every migration, in order; the app runs them at start-up. */
export const MIGRATIONS = [
  Accounts1795700431345,
  Articles1795700737842,
  Comments1795700798329,
  FollowsNotifications1795701048606,
  Donations1795701089283,
  Moderation1795701168438,
  FeedIndex1795704685169,
  FeedNewestIndex1796119164622,
  AccountLocks1796200000000,
  ModuleSqlInterfaces1796300000000,
  EmailVerified1796400000000,
  Mail1796500000000,
  NewsroomSignIn1796600000000,
  Workbench1796800000000,
  ModerationRules1796900000000,
  Webhooks1797000000000,
  DefaultAppealAsContract1797200000000,
  PostingWithoutArticleLock1797300000000,
  SupporterStatusForPosting1797500000000,
  LeanActivityMail1797800000000,
];
