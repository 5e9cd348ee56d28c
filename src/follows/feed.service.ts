import { Injectable } from '@nestjs/common';
import { Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { FeedItemView } from './dto/follow.views';
import { FeedRepository } from './feed.repository';
import { linkKeyset } from './profile-page';

@Injectable()
export class FeedService {
  constructor(private readonly feed: FeedRepository) {}

  async feedOf(viewerId: string, query: PageQueryDto): Promise<Page<FeedItemView>> {
    const rows = await this.feed.findFeedPage(viewerId, linkKeyset(query));
    return toPage(rows, query.limit, (row) => [row.createdAt, row.commentId], (row) => ({ id: row.commentId }));
  }
}
