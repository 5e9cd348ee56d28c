import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Role } from '../auth/role';
import { requiredProvider } from './required-provider';

export interface NewCommentFacts {
  authorId: string;
  authorRole: Role;
  articleId: string;
  body: string;
  parentId: string | null;
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

/**
 * What the rule worked out before the posting transaction (word lists, links, the external moderation hook), for
 * `initialStatus` to apply inside it; opaque to the comments module.
 */
export interface Screening {
  /** The settings version the screening followed. */
  version: number;
}

/** A report the system files with a new comment (no reporter), e.g. for a suspect word. */
export interface SystemReport {
  reason: 'other';
  note: string;
}

export interface InitialStatus {
  status: 'visible' | 'pending';
  systemReport: SystemReport | null;
}

/**
 * The settings changed between the screening and the posting transaction: the comments module rolls back, screens
 * again (at least `version`) and posts again.
 */
export class ScreeningOutdated extends Error {
  constructor(readonly version: number) {
    super(`The moderation settings moved to version ${version} while the comment was screened`);
  }
}

/** How a new comment starts out (word lists, links, premoderation, the external hook); provided by the moderation module. */
export abstract class InitialStatusRule {
  /**
   * Runs before the posting transaction, holding no lock or connection while it waits (the external hook may take
   * its timeout). Throws an AppError (422 COMMENT_REJECTED) when the comment must not be posted at all.
   */
  abstract screen(facts: NewCommentFacts, atLeastVersion?: number): Promise<Screening>;
  /** Inside the posting transaction; throws ScreeningOutdated when the settings changed since `screening`. */
  abstract initialStatus(facts: NewCommentFacts, posting: PostingContext, screening: Screening): Promise<InitialStatus>;
}

/** The comments module's door to the initial-status rule; start-up fails when no module provides one. */
@Injectable()
export class CommentPolicy implements OnModuleInit {
  private rule?: InitialStatusRule;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    this.rule = requiredProvider(this.moduleRef, InitialStatusRule, 'moderation');
  }

  screen(facts: NewCommentFacts, atLeastVersion?: number): Promise<Screening> {
    return this.ruleOrFail().screen(facts, atLeastVersion);
  }

  initialStatus(facts: NewCommentFacts, posting: PostingContext, screening: Screening): Promise<InitialStatus> {
    return this.ruleOrFail().initialStatus(facts, posting, screening);
  }

  private ruleOrFail(): InitialStatusRule {
    if (!this.rule) throw new Error('CommentPolicy used before the application finished starting');
    return this.rule;
  }
}
