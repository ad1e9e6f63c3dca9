/** A timestamp as `toISOString()` writes it, done by PostgreSQL: no dates parsed and formatted again in Node. */
export const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A release's view fields over `releases r` joined with SUMMARY_JOINS: the same as views.ts' `toSummaryView`, in SQL
 * for the two hot reads (the list and a release's page), which the release list test compares field by field.
 */
export const SUMMARY_COLUMNS = `
  r.id, r.number, r.kind::text AS kind, r.state::text AS state, r.project_id AS "projectId", p.name AS "projectName",
  p.group_id AS "groupId", r.environment_id AS "environmentId", e.name AS "environmentName", r.ref, r.commit,
  r.description, r.rollout, r.rollback_to_id AS "rollbackToId", c.username AS "createdBy", a.username AS "approvedBy",
  ${iso('r.approved_at')} AS "approvedAt", r.review_comment AS "reviewComment",
  r.abort_requested_at IS NOT NULL AS "abortRequested", ${iso('r.queued_at')} AS "queuedAt",
  ${iso('r.scheduled_at')} AS "scheduledAt", ${iso('r.started_at')} AS "startedAt", ${iso('r.finished_at')} AS "finishedAt",
  ${iso('r.created_at')} AS "createdAt", r.error, r.last_seq AS "lastSeq"`;

export const SUMMARY_JOINS = `
  JOIN projects p ON p.id = r.project_id
  JOIN environments e ON e.id = r.environment_id
  JOIN users c ON c.id = r.created_by_id
  LEFT JOIN users a ON a.id = r.approved_by_id`;
