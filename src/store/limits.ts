/** Defaults and size limits that both store backends apply the same way. */

/** Rows `history <runbook>` returns when the caller names no limit. */
export const DEFAULT_HISTORY_LIMIT = 20;

/** Friction items `frictions` returns when the caller names no limit. */
export const DEFAULT_FRICTION_LIMIT = 50;

/**
 * Longest text one output chunk holds (UTF-16 code units). Longer chunks are stored as several
 * consecutive chunks, so one chunk always fits a single Azure table entity (1 MiB) and a page of
 * output never has to load a multi-megabyte row.
 */
export const MAX_OUTPUT_CHUNK_CHARS = 256 * 1024;
