import { Article } from '../articles/article.entity';
import { Session } from '../auth/session.entity';
import { CommentReaction } from '../comments/comment-reaction.entity';
import { CommentReport } from '../comments/comment-report.entity';
import { CommentVersion } from '../comments/comment-version.entity';
import { Comment } from '../comments/comment.entity';
import { Follow } from '../follows/follow.entity';
import { Ignore } from '../follows/ignore.entity';
import { Notification } from '../notifications/notification.entity';
import { Appeal } from '../donations/appeal.entity';
import { Donation } from '../donations/donation.entity';
import { StripeCustomer } from '../donations/stripe-customer.entity';
import { StripeEvent } from '../donations/stripe-event.entity';
import { StripeSubscription } from '../donations/stripe-subscription.entity';
import { SupporterEntitlement } from '../donations/supporter-entitlement.entity';
import { ModerationAction } from '../moderation/moderation-action.entity';
import { ModerationSettings } from '../moderation/moderation-settings.entity';
import { ModeratorNote } from '../moderation/moderator-note.entity';
import { SsoTokenUse } from '../sso/sso-token-use.entity';
import { UserIdentity } from '../sso/user-identity.entity';
import { User } from '../users/user.entity';
import { WebhookDelivery } from '../webhooks/webhook-delivery.entity';
import { WebhookEndpoint } from '../webhooks/webhook-endpoint.entity';
import { WebhookEvent } from '../webhooks/webhook-event.entity';

/** Every entity; the app and the TypeORM CLI both load this list. */
export const ENTITIES = [
  User, Session, Article, Comment, CommentVersion, CommentReaction, CommentReport,
  Follow, Ignore, Notification,
  Appeal, Donation, StripeCustomer, StripeSubscription, StripeEvent, SupporterEntitlement,
  ModerationAction, ModerationSettings, ModeratorNote,
  WebhookEndpoint, WebhookEvent, WebhookDelivery,
  UserIdentity, SsoTokenUse,
];
