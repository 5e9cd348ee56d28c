import { toSnakeCase } from './snake-naming.strategy';

describe('toSnakeCase', () => {
  it.each([
    ['displayName', 'display_name'],
    ['createdAt', 'created_at'],
    ['userID', 'user_id'],
    ['HTMLBody', 'html_body'],
    ['id', 'id'],
  ])('%s → %s', (input, expected) => {
    expect(toSnakeCase(input)).toBe(expected);
  });
});
