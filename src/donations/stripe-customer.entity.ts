import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';

/** The Stripe customer of a signed-in donor, created once and reused for every donation and the billing portal. */
@Entity('stripe_customers')
export class StripeCustomer {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 255, unique: true })
  stripeCustomerId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
