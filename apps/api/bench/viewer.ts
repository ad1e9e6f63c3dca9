import WebSocket from 'ws';
import { BEARER_PROTOCOL_PREFIX, FEED_PROTOCOL, type FeedMessage } from '@rp/contract/feed';
import { parseBenchLine } from './emitter.js';
import type { Histogram } from './histogram.js';

interface FeedEvent {
  seq: number;
  type: string;
  text?: string | null;
}

const now = () => performance.timeOrigin + performance.now();

/** Events and grouped log rows in seq order, with only what the checks need (as lean as a real viewer's store). */
function flatten(message: FeedMessage): FeedEvent[] {
  if (message.type === 'release') return [];
  const out: FeedEvent[] = [...message.events];
  for (const group of message.lines) {
    let seq = 0;
    group.text.forEach((text, i) => {
      seq = i === 0 ? (group.seq[0] ?? 0) : seq + (group.seq[i] ?? 0);
      out.push({ seq, type: 'log', text });
    });
  }
  return message.events.length && message.lines.length ? out.sort((a, b) => a.seq - b.seq) : out;
}

/**
 * One WebSocket viewer of a release, as the SPA is: it parses every message, and checks that release seqs arrive
 * contiguous from 1 and BENCH lines from 1 in order. Latency is taken when the message is handed to us, before
 * parsing, so this process's own parse work shows up only as delay for the messages queued behind it.
 */
export class Viewer {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly snapshot: Promise<void>;
  lastSeq = 0;
  nextLine = 1;
  linesReceived = 0;
  seqGaps = 0;
  seqDuplicates = 0;
  lineGaps = 0;
  lineDuplicates = 0;
  firstProblem = '';
  messages = 0;
  bytes = 0;
  state = '';
  closeCode: number | null = null;
  #snapshotSeen!: () => void;

  constructor(url: string, token: string, private readonly latency: Histogram) {
    // The token rides in a subprotocol, as a non-browser client's would: never in the URL.
    this.socket = new WebSocket(url, [FEED_PROTOCOL, `${BEARER_PROTOCOL_PREFIX}${token}`]);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      this.socket.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)));
    });
    this.snapshot = new Promise((resolve) => (this.#snapshotSeen = resolve));
    this.socket.on('message', (raw: Buffer) => this.#onMessage(raw, now()));
    this.socket.once('close', (code) => (this.closeCode = code));
  }

  get problems(): number {
    return this.seqGaps + this.seqDuplicates + this.lineGaps + this.lineDuplicates;
  }

  close(): void {
    this.socket.close();
  }

  #problem(what: string): void {
    this.firstProblem ||= what;
  }

  #onMessage(raw: Buffer, receivedAt: number): void {
    this.messages++;
    this.bytes += raw.length;
    const message = JSON.parse(raw.toString()) as FeedMessage;
    if ('release' in message) this.state = message.release.state;
    for (const e of flatten(message)) {
      if (e.seq <= this.lastSeq) {
        this.seqDuplicates++;
        this.#problem(`seq ${e.seq} again after ${this.lastSeq}`);
        continue;
      }
      if (e.seq !== this.lastSeq + 1) {
        this.seqGaps += e.seq - this.lastSeq - 1;
        this.#problem(`seq ${e.seq} after ${this.lastSeq}`);
      }
      this.lastSeq = e.seq;
      if (e.type !== 'log') continue;
      const line = parseBenchLine(e.text);
      if (!line) continue;
      const [n, emittedAt] = line;
      if (n < this.nextLine) {
        this.lineDuplicates++;
        this.#problem(`line ${n} again after ${this.nextLine - 1}`);
        continue;
      }
      if (n !== this.nextLine) {
        this.lineGaps += n - this.nextLine;
        this.#problem(`line ${n} after ${this.nextLine - 1}`);
      }
      this.nextLine = n + 1;
      this.linesReceived++;
      this.latency.add(receivedAt - emittedAt);
    }
    if (message.type === 'snapshot') this.#snapshotSeen();
  }
}
