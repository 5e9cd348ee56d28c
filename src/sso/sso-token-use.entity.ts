import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A newsroom token's `jti`, kept until the token expires so that it is accepted once. */
@Entity('sso_token_uses')
@Index('sso_token_uses_expires_idx', ['expiresAt'])
export class SsoTokenUse {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  jti: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
