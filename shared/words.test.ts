// The words every view, the CLI and the exports share: tested once, here.

import { describe, expect, it } from 'vitest';
import { byteCount, duration, durationTicks, endLabel, endPassedOn, endStep, endTag, endVerb, endsStory, groupDigits, howItEnded, plural, rate, size, sizeTicks, sizeUnit } from './words';

describe('numbers', () => {
  it('groups digits by three whatever the locale, and names sizes', () => {
    expect(groupDigits(2905)).toBe('2,905');
    expect(groupDigits(9007199254740991)).toBe('9,007,199,254,740,991');
    expect(groupDigits(-1234.5)).toBe('-1,234.5');
    expect(size(1023)).toBe('1,023 B');
    expect(size(2905)).toBe('2.8 KB');
    expect(size(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(rate(8.620539626308345)).toBe('9 B/s');
    expect(byteCount(1)).toBe('1 byte');
    expect(byteCount(2905)).toBe('2,905 bytes');
    expect(plural(4000, 'request')).toBe('4,000 requests');
  });
});

describe('durations', () => {
  it('follow the magnitude: never "9911.1 ms"', () => {
    expect(duration(0.0004)).toBe('0.4 ms');
    expect(duration(0.302)).toBe('302 ms');
    expect(duration(0.9996)).toBe('1.0 s');
    expect(duration(1.2)).toBe('1.2 s');
    expect(duration(9.9111)).toBe('9.9 s');
    expect(duration(12.34)).toBe('12.3 s');
    expect(duration(125)).toBe('2 min 5 s');
    expect(duration(3725)).toBe('1 h 2 min');
    expect(duration(-1)).toBe('0.0 ms');
  });
});

describe('ends', () => {
  it('say who ended a side and how, inside TLS too', () => {
    expect(howItEnded({ who: 'server', how: 'rst' })).toBe('the server reset the connection (RST)');
    expect(howItEnded({ who: 'proxy', how: 'fin' })).toBe('Chunkscope closed the connection (FIN)');
    expect(howItEnded({ who: 'server', how: 'close-notify' })).toBe('the server closed the TLS session (close_notify)');
    expect(howItEnded({ who: 'server', how: 'fin', truncation: true })).toBe('the server closed the connection (FIN) without close_notify');
    expect(endVerb({ how: 'rst' }, 'the keep-alive connection')).toBe('reset the keep-alive connection (RST)');
    expect(endLabel({ who: 'server', how: 'rst' })).toBe('server RST');
    expect(endLabel({ who: 'proxy', how: 'fin' })).toBe('Chunkscope FIN');
    expect(endLabel({ who: 'server', how: 'close-notify' })).toBe('server close_notify');
    expect(endLabel({ who: 'server', how: 'fin', truncation: true })).toBe('server FIN, no close_notify');
  });

  it('tell a mirror apart from a decision, in order', () => {
    const server = { side: 'upstream', who: 'server', how: 'rst', truncation: false, mirrored: false } as const;
    const mirror = { side: 'client', who: 'proxy', how: 'rst', truncation: false, mirrored: true } as const;
    expect(endStep(mirror)).toBe('Chunkscope passed it on to the client (RST)');
    expect(endsStory([server, mirror])).toBe('the server reset the connection (RST); Chunkscope passed it on to the client (RST)');
    expect(endsStory([])).toBe('both sides still open');
    expect(endTag(server)).toBe('server RST');
    expect(endTag(mirror)).toBe('RST passed on to the client');
    expect(endPassedOn(server, mirror)).toBe('server RST, passed on to the client');
  });
});

describe('axes', () => {
  it('label a time axis in one unit chosen for its range, with the decimals its step needs', () => {
    expect(durationTicks([0, 0.05, 0.1, 0.15, 0.2])).toEqual(['0 ms', '50 ms', '100 ms', '150 ms', '200 ms']);
    expect(durationTicks([0, 0.0025, 0.005])).toEqual(['0.0 ms', '2.5 ms', '5.0 ms']);
    expect(durationTicks([0, 0.5, 1, 1.5])).toEqual(['0.0 s', '0.5 s', '1.0 s', '1.5 s']);
    expect(durationTicks([0, 2, 4, 6, 8, 10])).toEqual(['0 s', '2 s', '4 s', '6 s', '8 s', '10 s']);
    expect(durationTicks([0, 60, 120, 150, 180])).toEqual(['0 min', '1 min', '2 min', '2 min 30 s', '3 min']);
    expect(durationTicks([0, 3600, 7200, 9000])).toEqual(['0 h', '1 h', '2 h', '2 h 30 min']);
    expect(durationTicks([0, 0.0002, 0.0004])).toEqual(['0 µs', '200 µs', '400 µs']);
    expect(durationTicks([1000, 2000])).toEqual(['16 min 40 s', '33 min 20 s']);
  });

  it('label a bytes axis in one unit (1 KB = 1,024 bytes, as everywhere)', () => {
    expect(sizeTicks([0, 200, 400, 600])).toEqual(['0 B', '200 B', '400 B', '600 B']);
    expect(sizeTicks([0, 512, 1024, 1536])).toEqual(['0.0 KB', '0.5 KB', '1.0 KB', '1.5 KB']);
    expect(sizeTicks([0, 2 * 1024 ** 2, 4 * 1024 ** 2])).toEqual(['0 MB', '2 MB', '4 MB']);
    expect(sizeUnit(5000)).toEqual({ unit: 'KB', bytes: 1024 });
    expect(sizeTicks([0, 1000 * 1024])).toEqual(['0 KB', '1,000 KB']);
  });
});
