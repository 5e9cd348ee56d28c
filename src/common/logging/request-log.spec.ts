import { markExpectedOutage, requestLogLevel } from './request-log';

describe('requestLogLevel', () => {
  it('logs a 5xx as an error and a 4xx as a warning', () => {
    expect(requestLogLevel({ statusCode: 503 })).toBe('error');
    expect(requestLogLevel({ statusCode: 404 })).toBe('warn');
    expect(requestLogLevel({ statusCode: 200 })).toBe('info');
  });

  it('logs an expected outage (a feature the operator has not configured) as a warning, not an error', () => {
    const response = { statusCode: 503 };
    markExpectedOutage(response);
    expect(requestLogLevel(response)).toBe('warn');
  });
});
