import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Role } from '../auth/role';
import { requiredProvider } from './required-provider';

export interface NewCommentFacts {
  authorId: string;
  authorRole: Role;
  articleId: string;
  body: string;
}

/** Where the rule runs: inside the posting transaction. */
export interface PostingContext {
  /**
   * What the posting statement read for the rule, through the moderation
   * module's SQL function `moderation_posting_context()` (its settings stamp),
   * so the rule's reading costs no round trip of its own.
   */
  context: unknown;
}

/** How a new comment starts out (banned words, premoderation of new readers); provided by the moderation module. */
export abstract class InitialStatusRule {
  abstract initialStatus(facts: NewCommentFacts, posting: PostingContext): Promise<'visible' | 'pending'>;
}

/** The comments module's door to the initial-status rule; start-up fails when no module provides one. */
@Injectable()
export class CommentPolicy implements OnModuleInit {
  private rule?: InitialStatusRule;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    this.rule = requiredProvider(this.moduleRef, InitialStatusRule, 'moderation');
  }

  initialStatus(facts: NewCommentFacts, posting: PostingContext): Promise<'visible' | 'pending'> {
    if (!this.rule) throw new Error('CommentPolicy used before the application finished starting');
    return this.rule.initialStatus(facts, posting);
  }
}
