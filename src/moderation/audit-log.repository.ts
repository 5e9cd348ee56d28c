import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditTargetType, ModerationAction, ModerationActionName } from './moderation-action.entity';

export interface NewAuditEntry {
  actorId: string;
  action: ModerationActionName;
  targetType: AuditTargetType;
  targetId: string;
  reason?: string | null;
  metadata?: Record<string, unknown>;
}

export interface AuditPosition {
  createdAt: string;
  id: string;
}

@Injectable()
export class AuditLogRepository {
  constructor(private readonly txHost: TransactionContext) {}

  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  /** Appends one entry with the caller's transaction, so it commits or rolls back with the change. */
  async append(entry: NewAuditEntry): Promise<void> {
    await this.tx.query(
      `INSERT INTO moderation_actions (actor_id, action, target_type, target_id, reason, metadata)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [entry.actorId, entry.action, entry.targetType, entry.targetId, entry.reason ?? null, JSON.stringify(entry.metadata ?? {})],
    );
  }

  /** Newest first; `limit + 1` rows so the caller knows whether another page exists. */
  findNewestPage(limit: number, after?: AuditPosition): Promise<ModerationAction[]> {
    const query = this.tx
      .getRepository(ModerationAction)
      .createQueryBuilder('entry')
      .orderBy('entry.created_at', 'DESC')
      .addOrderBy('entry.id', 'DESC')
      .limit(limit + 1);
    if (after) query.where('(entry.created_at, entry.id) < (:createdAt, :id)', after);
    return query.getMany();
  }

  /** The newest `limit` entries of the given actions about one target, newest first (on `moderation_actions_target_idx`). */
  findNewestForTarget(targetType: AuditTargetType, targetId: string, actions: readonly ModerationActionName[], limit: number): Promise<ModerationAction[]> {
    return this.tx
      .getRepository(ModerationAction)
      .createQueryBuilder('entry')
      .where('entry.target_type = :targetType AND entry.target_id = :targetId AND entry.action IN (:...actions)', { targetType, targetId, actions })
      .orderBy('entry.created_at', 'DESC')
      .addOrderBy('entry.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** Every entry about one target, oldest first. */
  findForTarget(targetType: AuditTargetType, targetId: string): Promise<ModerationAction[]> {
    return this.tx
      .getRepository(ModerationAction)
      .createQueryBuilder('entry')
      .where('entry.target_type = :targetType AND entry.target_id = :targetId', { targetType, targetId })
      .orderBy('entry.created_at', 'ASC')
      .addOrderBy('entry.id', 'ASC')
      .getMany();
  }
}
