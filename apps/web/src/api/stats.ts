import { http, query } from './http';

export interface DayCount {
  /** YYYY-MM-DD in UTC. */
  date: string;
  total: number;
  succeeded: number;
  failed: number;
}

export interface ProjectStats {
  projectId: string;
  projectName: string;
  total: number;
  succeeded: number;
  failed: number;
  /** succeeded / finished, 0..1; null when nothing finished in the period. */
  successRate: number | null;
  medianDurationSeconds: number | null;
}

export interface ReleaseStats {
  from: string;
  to: string;
  perDay: DayCount[];
  projects: ProjectStats[];
  running: number;
  queued: number;
  pendingApproval: number;
}

/** Release counts of the groups you can see over the last `days` days (default 14, at most 90). */
export function getReleaseStats(params: { days?: number; projectId?: string } = {}): Promise<ReleaseStats> {
  return http.get(`/stats/releases${query({ ...params })}`);
}
