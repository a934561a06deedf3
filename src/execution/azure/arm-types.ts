/**
 * Wire shapes of the Azure Automation resources Switchboard reads, as documented in the
 * Microsoft.Automation 2024-10-23 REST specification (job.json, runbook.json,
 * hybridRunbookWorkerGroup.json). Only the fields the product uses are declared; everything is
 * optional where the specification allows null or omission, because list responses carry fewer
 * fields than single GETs (a job list item has no `exception`, a runbook list item no `parameters`).
 */

/** Job status values from the specification (job.json, JobStatus). */
export type AzureJobStatus =
  | 'New'
  | 'Activating'
  | 'Running'
  | 'Completed'
  | 'Failed'
  | 'Stopped'
  | 'Blocked'
  | 'Suspended'
  | 'Disconnected'
  | 'Suspending'
  | 'Stopping'
  | 'Resuming'
  | 'Removing';

export interface AzureJob {
  /** The job name: the GUID Switchboard chose when it created the job (used in every job URL). */
  name: string;
  properties: {
    jobId?: string;
    runbook?: { name?: string };
    status?: string;
    statusDetails?: string;
    creationTime?: string;
    startTime?: string | null;
    endTime?: string | null;
    lastModifiedTime?: string;
    exception?: string | null;
    runOn?: string | null;
    parameters?: Record<string, string> | null;
  };
}

export type AzureStreamType = 'Progress' | 'Output' | 'Warning' | 'Error' | 'Debug' | 'Verbose' | 'Any';

export interface AzureJobStream {
  id?: string;
  properties: {
    jobStreamId: string;
    time: string;
    streamType: string;
    /** Lists return a summary only; the text comes from JobStream_Get. */
    summary?: string | null;
    streamText?: string | null;
    value?: Record<string, unknown> | null;
  };
}

/** Runbook parameter metadata (runbook.json, RunbookParameter). */
export interface AzureRunbookParameter {
  /** .NET type name, e.g. System.String, System.Int32, System.Management.Automation.SwitchParameter. */
  type?: string;
  isMandatory?: boolean;
  position?: number;
  /** The default as written in the script, e.g. `'web01'` or `$true`. */
  defaultValue?: string | null;
}

export type AzureRunbookState = 'New' | 'Edit' | 'Published';

export interface AzureRunbook {
  name: string;
  location?: string;
  tags?: Record<string, string> | null;
  etag?: string;
  properties: {
    runbookType?: string;
    runtimeEnvironment?: string;
    state?: string;
    description?: string | null;
    lastModifiedTime?: string;
    logVerbose?: boolean;
    logProgress?: boolean;
    parameters?: Record<string, AzureRunbookParameter> | null;
  };
}

/** Body of Runbook_CreateOrUpdate (runbook.json, RunbookCreateOrUpdateParameters). */
export interface RunbookCreateOrUpdateBody {
  name: string;
  location: string;
  tags: Record<string, string>;
  properties: {
    runbookType: string;
    description?: string;
    logVerbose?: boolean;
    logProgress?: boolean;
    /** An empty draft: the content follows with RunbookDraft_ReplaceContent. */
    draft: Record<string, never>;
  };
}

export interface AzureWorkerGroup {
  name: string;
  properties?: { groupType?: string; credential?: { name?: string } | null };
}

export interface AzureWorker {
  name: string;
  properties?: { workerName?: string; workerType?: string; lastSeenDateTime?: string };
}

export interface AzureAccount {
  name: string;
  location: string;
}

/** Body of Job_Create (job.json, JobCreateParameters). */
export interface JobCreateBody {
  properties: {
    runbook: { name: string };
    /** Name → JSON-serialized value; see job-parameters.ts. */
    parameters: Record<string, string>;
    /** Hybrid Runbook Worker group; '' = Azure cloud sandbox. */
    runOn: string;
  };
}
