import { Global, Module } from '@nestjs/common';
import { AfterCommitSubscriber } from './after-commit.subscriber';
import { DomainEvents } from './domain-events';

@Global()
@Module({ providers: [DomainEvents, AfterCommitSubscriber], exports: [DomainEvents] })
export class EventsModule {}
