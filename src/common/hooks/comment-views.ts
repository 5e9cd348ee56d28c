import type { CommentView } from '../../comments/dto/comment.views';
import type { AuthenticatedUser } from '../auth/authenticated-user';

/**
 * `comment` views as one viewer may see them (in the order of `ids`, those they may not see left out); provided by
 * the comments module, for modules it depends on (the notification inbox shows each notification's comment).
 */
export abstract class CommentViewsProvider {
  abstract viewsByIds(ids: string[], viewer?: AuthenticatedUser): Promise<CommentView[]>;
}
