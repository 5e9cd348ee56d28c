import { Injectable } from '@nestjs/common';
import { Role } from '../auth/role';

export interface NewCommentFacts {
  authorId: string;
  authorRole: Role;
  articleId: string;
  body: string;
}

type InitialStatusRule = (facts: NewCommentFacts) => Promise<'visible' | 'pending'>;

/**
 * How a new comment starts out. Moderation provides the rule (banned words,
 * premoderation of new readers); without it every comment starts visible.
 */
@Injectable()
export class CommentPolicy {
  private rule: InitialStatusRule = async () => 'visible';

  provideInitialStatusRule(rule: InitialStatusRule): void {
    this.rule = rule;
  }

  initialStatus(facts: NewCommentFacts): Promise<'visible' | 'pending'> {
    return this.rule(facts);
  }
}
