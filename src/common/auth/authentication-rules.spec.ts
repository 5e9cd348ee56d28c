import { AppError } from '../errors/app-error';
import { acceptedUser, AuthenticationRequest, authenticationPlan, isOurOutage, sameSecret } from './authentication-rules';

// Contract (API.md, conventions): "Auth: `Authorization: Bearer <accessToken>`. Endpoints marked *public* work without
// it (and may show more with it) … The CMS may call the endpoints marked *cms* with `X-Api-Key: <CMS_API_KEY>`
// instead of an admin token"; 401 no or bad token; a failing dependency is a 503, never a 401.

const KEY = 'cms-key-0123456789';

function plan(overrides: Partial<AuthenticationRequest>): string {
  try {
    return authenticationPlan({ isPublic: false, acceptsCmsKey: false, authorization: undefined, apiKey: undefined, cmsApiKey: KEY, ...overrides });
  } catch (error) {
    if (error instanceof AppError) return `${error.status} ${error.code}`;
    throw error;
  }
}

describe('authentication rules', () => {
  describe('which check a request gets', () => {
    it('needs a token on a route that is not public', () => {
      expect(plan({})).toBe('required token');
      expect(plan({ authorization: 'Bearer x' })).toBe('required token');
    });

    it('lets a public route through without a token, and reads one when sent', () => {
      expect(plan({ isPublic: true })).toBe('anonymous');
      expect(plan({ isPublic: true, authorization: 'Bearer x' })).toBe('optional token');
      expect(plan({ isPublic: true, authorization: '' })).toBe('optional token');
    });

    it('takes the CMS API key on a cms route', () => {
      expect(plan({ acceptsCmsKey: true, apiKey: KEY })).toBe('cms');
      expect(plan({ acceptsCmsKey: true, isPublic: true, apiKey: KEY })).toBe('cms');
    });

    it('refuses a wrong, empty or repeated API key with 401 UNAUTHENTICATED', () => {
      expect(plan({ acceptsCmsKey: true, apiKey: 'cms-key-0123456780' })).toBe('401 UNAUTHENTICATED');
      expect(plan({ acceptsCmsKey: true, apiKey: 'short' })).toBe('401 UNAUTHENTICATED');
      expect(plan({ acceptsCmsKey: true, apiKey: '' })).toBe('401 UNAUTHENTICATED');
      expect(plan({ acceptsCmsKey: true, apiKey: [KEY, KEY] })).toBe('401 UNAUTHENTICATED');
      expect(plan({ acceptsCmsKey: true, isPublic: true, apiKey: 'wrong' })).toBe('401 UNAUTHENTICATED');
    });

    it('refuses every API key when CMS_API_KEY is not set', () => {
      expect(plan({ acceptsCmsKey: true, apiKey: KEY, cmsApiKey: undefined })).toBe('401 UNAUTHENTICATED');
      expect(plan({ acceptsCmsKey: true, apiKey: '', cmsApiKey: '' })).toBe('401 UNAUTHENTICATED');
    });

    it('says which key failed', () => {
      expect(() => authenticationPlan({ isPublic: false, acceptsCmsKey: true, authorization: undefined, apiKey: 'x', cmsApiKey: KEY })).toThrow(
        'The API key is not valid',
      );
    });

    it('ignores the API key on a route that is not cms, and when a token is sent', () => {
      expect(plan({ apiKey: KEY })).toBe('required token');
      expect(plan({ apiKey: 'wrong' })).toBe('required token');
      expect(plan({ acceptsCmsKey: true, apiKey: KEY, authorization: 'Bearer x' })).toBe('required token');
      expect(plan({ acceptsCmsKey: true, apiKey: 'wrong', authorization: 'Bearer x' })).toBe('required token');
    });

    it('asks a cms route without any key for a token', () => {
      expect(plan({ acceptsCmsKey: true })).toBe('required token');
      expect(plan({ acceptsCmsKey: true, isPublic: true })).toBe('anonymous');
    });
  });

  describe('secrets', () => {
    it('compares whole secrets', () => {
      expect(sameSecret(KEY, KEY)).toBe(true);
      expect(sameSecret(`${KEY}x`, KEY)).toBe(false);
      expect(sameSecret(KEY.slice(0, -1), KEY)).toBe(false);
      expect(sameSecret('a'.repeat(KEY.length), KEY)).toBe(false);
    });
  });

  describe("Passport's verdict", () => {
    const user = { id: 'u1' };

    it('accepts the user of a valid token', () => {
      expect(acceptedUser(null, user)).toBe(user);
      expect(acceptedUser(undefined, user)).toBe(user);
    });

    it('answers 401 UNAUTHENTICATED for a bad token or no user', () => {
      for (const [error, who] of [
        [new Error('jwt expired'), user],
        [null, false],
        [null, null],
        [undefined, undefined],
      ] as const) {
        expect(() => acceptedUser(error, who)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED', status: 401, detail: 'A valid access token is required' }));
      }
    });

    it('answers 503 when our own session check failed, keeping our error', () => {
      const ours = new AppError('SERVICE_UNAVAILABLE', 'sessions unreachable');
      expect(() => acceptedUser(ours, false)).toThrow(ours);
      const dropped = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      expect(() => acceptedUser(dropped, user)).toThrow(expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', status: 503 }));
    });

    it('tells our outage from a token problem', () => {
      expect(isOurOutage(new AppError('SERVICE_UNAVAILABLE'))).toBe(true);
      expect(isOurOutage(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
      expect(isOurOutage(new AppError('UNAUTHENTICATED'))).toBe(false);
      expect(isOurOutage(new Error('invalid signature'))).toBe(false);
      expect(isOurOutage(null)).toBe(false);
    });
  });
});
