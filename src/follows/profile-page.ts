import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ProfileView } from '../users/dto/user.views';
import { Keyset, LinkRow } from './follows.repository';

export function linkKeyset(query: PageQueryDto): Keyset {
  if (!query.cursor) return { limit: query.limit };
  const [at, id] = decodeCursor(query.cursor, ['timestamp', 'uuid']) as [string, string];
  return { limit: query.limit, before: { at, id } };
}

/** Turns `limit + 1` link rows into a page of profiles, hydrated in one query. */
export async function toProfilePage(
  rows: LinkRow[],
  limit: number,
  getProfiles: (ids: string[]) => Promise<ProfileView[]>,
): Promise<Page<ProfileView>> {
  const page = toPage(rows, limit, (row) => [row.linkedAt, row.userId], (row) => row.userId);
  return { items: await getProfiles(page.items), nextCursor: page.nextCursor };
}
