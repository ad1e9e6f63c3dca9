import { describe, expect, it, vi } from 'vitest';
import { CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED } from '@rp/contract/feed';
import { FakeSocket } from '@/test/fake-socket';
import { followServiceLog, type FollowEnd, type FollowedLine } from './log-follower';

const ENV = '11111111-1111-4111-8111-111111111111';
const SERVER = '22222222-2222-4222-8222-222222222222';

function start(tickets: () => Promise<string> = async () => 'tkt') {
  const sockets: FakeSocket[] = [];
  const lines: FollowedLine[] = [];
  const ends: FollowEnd[] = [];
  const stop = followServiceLog(
    { environmentId: ENV, serverId: SERVER, lines: 200 },
    { onLines: (more) => lines.push(...more), onEnd: (end) => ends.push(end) },
    {
      tickets,
      factory: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
    },
  );
  return { sockets, lines, ends, stop, socket: () => sockets[0] as FakeSocket };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('following a service log', () => {
  it('opens the host\'s log socket with a ticket and the line count, and passes each stream\'s lines on in order', async () => {
    const f = start();
    await settle();
    expect(f.sockets).toHaveLength(1);
    expect(f.socket().url).toBe(`ws://${location.host}/ws/environments/${ENV}/servers/${SERVER}/service/logs?lines=200&ticket=tkt`);
    f.socket().serverSends({ type: 'lines', stream: 'stdout', text: ['one', 'two'] });
    f.socket().serverSends({ type: 'lines', stream: 'stderr', text: ["tail: '/srv/app.log' has been replaced; following new file"] });
    expect(f.lines).toEqual([
      { stream: 'stdout', text: 'one' },
      { stream: 'stdout', text: 'two' },
      { stream: 'stderr', text: "tail: '/srv/app.log' has been replaced; following new file" },
    ]);
    expect(f.ends).toEqual([]);
  });

  it('reports the server\'s reason for ending once, not the close that follows it', async () => {
    const f = start();
    await settle();
    f.socket().serverSends({ type: 'ended', reason: 'time-limit', message: 'stopped following after 30 minutes' });
    f.socket().serverCloses(1000, 'ended');
    expect(f.ends).toEqual([{ reason: 'time-limit', message: 'stopped following after 30 minutes' }]);
  });

  it.each([
    [CLOSE_UNAUTHORIZED, 'Only owners may release to prod', 'revoked'],
    [CLOSE_TOO_SLOW, 'client too slow; follow again', 'too-slow'],
    [1013, 'at most 8 service logs followed at once; close one', 'closed'],
  ])('tells why when the server closes with %i', async (code, reason, expected) => {
    const f = start();
    await settle();
    f.socket().serverCloses(code, reason);
    expect(f.ends).toEqual([{ reason: expected, message: reason }]);
  });

  it('stops without reporting an end when the viewer stops, also before the ticket came', async () => {
    const f = start();
    await settle();
    f.stop();
    expect(f.socket().closedByClient).toBe(true);
    f.socket().serverCloses(1000, 'viewer left');
    expect(f.ends).toEqual([]);

    let give: (ticket: string) => void = () => undefined;
    const early = start(() => new Promise((resolve) => (give = resolve)));
    early.stop();
    give('late');
    await settle();
    expect(early.sockets).toHaveLength(0);
  });

  it('reports a refused ticket as the end', async () => {
    const f = start(() => Promise.reject(new Error('Session expired')));
    await vi.waitFor(() => expect(f.ends).toEqual([{ reason: 'closed', message: 'Session expired' }]));
    expect(f.sockets).toHaveLength(0);
  });
});
