import { describe, expect, it } from 'vitest';
import { breakOnPath, isRule, parseRule, requestFacts, ruleApplies } from './rules';

describe('"Break on this path"', () => {
  it('holds the path of the exchange (its query left out) on its host, as rules match them', () => {
    expect(breakOnPath('response', 'GET', 'http://127.0.0.1:9001/drip?chunks=3', null)).toBe('break-response host:127.0.0.1:9001 path:/drip');
    expect(breakOnPath('request', 'POST', '/upload?x=1', 'api.example.test')).toBe('break-request host:api.example.test path:/upload');
    expect(breakOnPath('response', 'GET', '/feed', null)).toBe('break-response path:/feed');
    const rule = parseRule(breakOnPath('response', 'GET', 'http://127.0.0.1:9001/drip?chunks=3', null)!);
    expect(isRule(rule) && ruleApplies(rule, requestFacts('GET', '/drip?chunks=9', '127.0.0.1:9001'))).toBe(true);
    expect(isRule(rule) && ruleApplies(rule, requestFacts('GET', '/dripping', '127.0.0.1:9001'))).toBe(false);
  });

  it('a request without a path (CONNECT, OPTIONS *) has none to break on', () => {
    expect(breakOnPath('response', 'CONNECT', 'example.test:443', null)).toBeNull();
    expect(breakOnPath('response', 'OPTIONS', '*', 'example.test')).toBeNull();
    expect(breakOnPath('response', null, null, null)).toBeNull();
  });
});
