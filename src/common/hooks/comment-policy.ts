import { Injectable } from '@nestjs/common';
import { Role } from '../auth/role';

export interface NewCommentFacts {
  authorId: string;
  authorRole: Role;
  articleId: string;
  body: string;
}

/** Where the rule runs: inside the posting transaction. */
export interface PostingContext {
  /** What the rule's `contextSql` selected in the transaction's first statement (null without one). */
  context: unknown;
}

type InitialStatusRule = (facts: NewCommentFacts, posting: PostingContext) => Promise<'visible' | 'pending'>;

/**
 * How a new comment starts out. Moderation provides the rule (banned words,
 * premoderation of new readers); without it every comment starts visible.
 */
@Injectable()
export class CommentPolicy {
  private rule: InitialStatusRule = async () => 'visible';
  private ruleContextSql = 'NULL';

  /**
   * `contextSql` is a parameterless SQL expression the first statement of every
   * posting transaction selects and hands to the rule as `posting.context`: what
   * the rule reads on each post (current settings) costs no round trip of its own.
   */
  provideInitialStatusRule(rule: InitialStatusRule, contextSql = 'NULL'): void {
    this.rule = rule;
    this.ruleContextSql = contextSql;
  }

  get contextSql(): string {
    return this.ruleContextSql;
  }

  initialStatus(facts: NewCommentFacts, posting: PostingContext): Promise<'visible' | 'pending'> {
    return this.rule(facts, posting);
  }
}
