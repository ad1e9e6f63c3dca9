import type { LiveSocket } from '@/stores/release-live';

/** Stands in for the browser WebSocket: records the URL it was opened with and lets the test play the server. */
export class FakeSocket implements LiveSocket {
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  closedByClient = false;

  constructor(readonly url: string) {}

  close(): void {
    this.closedByClient = true;
  }

  serverOpens(): void {
    this.onopen?.(new Event('open'));
  }

  serverSends(message: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  serverCloses(code: number, reason = ''): void {
    this.onclose?.(new CloseEvent('close', { code, reason }));
  }
}
