/**
 * Puts job cards into conversations: the first post, intermediate refreshes (best effort, the
 * outbox coalesces them) and the final card, which is delivered exactly once: it is skipped when
 * the stored job says finalCardSent, and that flag is written only after delivery succeeded.
 * Updating a card is idempotent, so a crash between delivery and the flag re-sends the same
 * final state to the same message rather than posting a second one.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { ConversationInfo } from '../domain/conversation.js';
import type { Job, OutputChunk } from '../domain/job.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { toDeliveryError } from './delivery-error.js';
import { renderJobCard, type CardViewer, type JobCardRenderers } from './job-cards.js';
import { readOutputTail } from './output-tail.js';
import type { JobWriter } from './job-writer.js';
import type { QueuedMessenger } from './outbox.js';

export interface CardDeliveryDeps {
  store: Store;
  catalog: Catalog;
  messenger: QueuedMessenger;
  render: JobCardRenderers;
  writer: JobWriter;
  clock: Clock;
  logger: Logger;
}

export class CardDelivery {
  private readonly conversations = new Map<string, ConversationInfo>();

  constructor(private readonly deps: CardDeliveryDeps) {}

  /** Keeps the conversation a request came from, so its cards need no store lookup. */
  remember(conversation: ConversationInfo): void {
    this.conversations.set(conversation.key, conversation);
  }

  card(job: Job, outputTail: OutputChunk[], viewer?: CardViewer): AdaptiveCard {
    const { catalog, render, clock } = this.deps;
    return renderJobCard(render, { job, runbook: catalog.get(job.runbook), outputTail, now: new Date(clock.now()) }, viewer);
  }

  /** Posts the first card of a job that has none yet and records its activity id. */
  async post(job: Job): Promise<Job> {
    const conversation = await this.conversation(job);
    if (!conversation) return job;
    try {
      const activityId = await this.deps.messenger.send(conversation, { card: this.card(job, []) });
      return await this.deps.writer.change(job, (j) => (j.cardActivityId ? undefined : { ...j, cardActivityId: activityId }));
    } catch (error) {
      this.deps.logger.warn({ job: job.id, err: error }, 'job card could not be posted; the final card will be posted instead');
      return job;
    }
  }

  /** Shows the current state; failures only cost this one intermediate state. */
  refresh(job: Job, outputTail: OutputChunk[]): void {
    if (!job.cardActivityId) return;
    const activityId = job.cardActivityId;
    void this.conversation(job)
      .then((conversation) => conversation && this.deps.messenger.update(conversation, activityId, { card: this.card(job, outputTail) }))
      .catch((error: unknown) => this.deps.logger.debug({ job: job.id, err: error }, 'intermediate card update dropped'));
  }

  /**
   * Delivers the final card, with the whole stored output, unless that already happened. Reads
   * the job again first: another writer may have posted the first card or the final card meanwhile.
   */
  async final(jobId: string): Promise<Job | undefined> {
    const { store, messenger, writer, logger } = this.deps;
    const job = await store.getJob(jobId);
    if (!job || job.finalCardSent) return job;
    const conversation = await this.conversation(job);
    if (!conversation) return job;
    const message = { card: this.card(job, await readOutputTail(store, jobId)) };
    let activityId = job.cardActivityId;
    try {
      if (activityId) {
        try {
          await messenger.update(conversation, activityId, message, { final: true });
        } catch (error) {
          // The card cannot be updated any more (deleted, too old): the result still has to arrive.
          if (toDeliveryError(error, this.deps.clock.now()).transient) throw error;
          activityId = await messenger.send(conversation, message, { final: true });
        }
      } else {
        activityId = await messenger.send(conversation, message, { final: true });
      }
    } catch (error) {
      logger.error({ job: job.id, err: error }, 'final job card not delivered; it will be retried when jobs are resumed');
      return job;
    }
    return writer.change(job, (j) => (j.finalCardSent ? undefined : { ...j, finalCardSent: true, cardActivityId: activityId }));
  }

  private async conversation(job: Job): Promise<ConversationInfo | undefined> {
    const known = this.conversations.get(job.conversationKey);
    if (known) return known;
    const stored = await this.deps.store.getConversation(job.conversationKey);
    if (stored) this.conversations.set(stored.key, stored);
    else this.deps.logger.error({ job: job.id, conversation: job.conversationKey }, 'conversation of a job is not stored; its card cannot be sent');
    return stored;
  }
}
