import { maskedEmail } from './masked-email';

describe('maskedEmail', () => {
  it('keeps the first letter and the domain only', () => {
    expect(maskedEmail('editor.in.chief@news.example')).toBe('e***@news.example');
  });

  it('shows nothing of something that is not an address', () => {
    expect(maskedEmail('no-at-sign')).toBe('***');
    expect(maskedEmail('@news.example')).toBe('***');
  });
});
