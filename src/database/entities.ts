import { Article } from '../articles/article.entity';
import { Session } from '../auth/session.entity';
import { CommentReaction } from '../comments/comment-reaction.entity';
import { CommentReport } from '../comments/comment-report.entity';
import { CommentVersion } from '../comments/comment-version.entity';
import { Comment } from '../comments/comment.entity';
import { ModerationAction } from '../moderation/moderation-action.entity';
import { ModerationSettings } from '../moderation/moderation-settings.entity';
import { User } from '../users/user.entity';

/** Every entity; the app and the TypeORM CLI both load this list. */
export const ENTITIES = [User, Session, Article, Comment, CommentVersion, CommentReaction, CommentReport, ModerationAction, ModerationSettings];
