import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { commandTextOf, conversationInfoOf, principalOf } from '../../src/bot/activity-mapping.js';
import { ADA, BOT, TENANT_ID, botAdded, channelCreated, message, personalChat, teamChannel } from '../support/activities.js';

const SERVICE = 'http://127.0.0.1:1/';
const now = new Date('2025-03-01T10:00:00Z');

describe('activity mapping', () => {
  it('removes the bot @mention from channel messages and keeps the rest', () => {
    const activity = message(SERVICE, teamChannel('ops'), 'run Get-Greeting -Name "Ada L"') as unknown as Activity;
    expect(commandTextOf(activity)).to.equal('run Get-Greeting -Name "Ada L"');
  });

  it('keeps mentions of other people and decodes entities Teams puts into plain text', () => {
    const activity = message(SERVICE, personalChat(), 'friction <at>Grace</at> says &quot;slow&quot;&nbsp;&amp; flaky') as unknown as Activity;
    expect(commandTextOf(activity)).to.equal('friction <at>Grace</at> says "slow" & flaky');
  });

  it('maps a personal chat: key, kind, tenant, reference without activity id', () => {
    const place = personalChat();
    const info = conversationInfoOf(message(SERVICE, place, 'help') as unknown as Activity, now);
    expect(info).to.include({ key: place.conversationId, kind: 'personal', tenantId: TENANT_ID, serviceUrl: SERVICE, updatedAt: now.toISOString() });
    const reference = info.reference as Record<string, unknown>;
    expect(reference).to.not.have.property('activityId');
    expect(reference.bot).to.deep.include({ id: BOT.id });
  });

  it('names a channel from channelData, and the General channel after its team', () => {
    const channel = teamChannel('inc-4711-db', { teamName: 'Operations' });
    expect(conversationInfoOf(botAdded(SERVICE, channel) as unknown as Activity, now)).to.include({
      kind: 'channel',
      name: 'inc-4711-db',
      teamId: channel.teamId,
      channelId: channel.channelId,
    });
    const general = { ...channel, conversationId: channel.teamId!, channelId: channel.teamId!, channelName: undefined };
    const activity = botAdded(SERVICE, general) as unknown as Activity & { channelData: Record<string, unknown> };
    delete activity.channelData.channel;
    expect(conversationInfoOf(activity, now)).to.include({ name: 'Operations', channelId: channel.teamId });
  });

  it('does not name General after the channel a channelCreated event announces', () => {
    const general = teamChannel('General', { teamName: 'Operations' });
    const created = teamChannel('inc-99');
    const activity = channelCreated(SERVICE, general, created) as unknown as Activity;
    expect(conversationInfoOf(activity, now)).to.include({ key: general.teamId, channelId: general.teamId, name: 'Operations' });
  });

  it('reads the principal from the activity', () => {
    expect(principalOf(message(SERVICE, personalChat(), 'x') as unknown as Activity)).to.deep.equal({
      id: ADA.id,
      name: ADA.name,
      aadObjectId: ADA.aadObjectId,
      tenantId: TENANT_ID,
    });
  });
});
