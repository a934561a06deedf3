/**
 * Azure Resource Manager for the Switchboard bench server: the local ARM endpoint of the tests
 * (test/support/fake-arm.ts) in a process of its own, so its TLS handshakes and answers never
 * share an event loop with the load generator. The P2 runbook is published in it, and every job
 * the bot creates starts running and keeps running until the bench ends.
 *
 * Ready message: url, ca (the certificate to trust). Requests: memory.
 */
import { startFakeArm } from '../../test/support/fake-arm.js';
import { memoryReading, serveParent } from '../lib/ipc.js';
import { PUBLISHED_PARAMETERS, SUBMIT_RUNBOOK } from '../lib/submit-runbook.js';

const arm = await startFakeArm();
arm.account().addRunbook({ name: SUBMIT_RUNBOOK, runbookType: 'PowerShell', parameters: PUBLISHED_PARAMETERS });
arm.onJobCreated((job) => job.setStatus('Running'));
serveParent({ url: arm.url, ca: arm.ca }, { memory: memoryReading });
process.on('SIGTERM', () => {
  arm.close().then(() => process.exit(0));
});
