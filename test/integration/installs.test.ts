/**
 * Being added to places: the welcome card lists the runbooks for the kind of place, the
 * conversation is stored for later proactive messages, and new incident channels are welcomed.
 */
import { expect } from 'chai';
import { activityText, botAdded, cardsOf, channelCreated, installationAdded, personalChat, postActivity, teamChannel } from '../support/activities.js';
import { Harness } from './harness.js';

describe('integration: installs and welcome cards', function () {
  let harness: Harness;
  before(async () => {
    harness = await Harness.start();
  });
  after(async () => harness?.close());

  async function install(activity: { conversation: { id: string } }) {
    const from = harness.recorder.mark();
    expect((await postActivity(harness.url, activity)).status).to.equal(200);
    return harness.recorder.waitFor((r) => r.conversationId === activity.conversation.id, { from, description: 'the welcome card' });
  }

  it('welcomes an inc- channel with the incident runbooks and remembers it with its name', async () => {
    const channel = teamChannel('inc-4711-db-outage', { teamName: 'Operations' });
    const welcome = await install(botAdded(harness.serviceUrl, channel));
    const text = activityText(welcome.activity);
    expect(cardsOf(welcome.activity)).to.have.length(1);
    expect(text).to.contain('#inc-4711-db-outage').and.contain('Get-IncidentStatus');
    expect(text).to.not.contain('Get-Greeting').and.not.contain('Move-Storage');

    const stored = await harness.app.store.getConversation(channel.conversationId);
    expect(stored).to.include({ kind: 'channel', name: 'inc-4711-db-outage', teamId: channel.teamId });
    expect((stored!.reference as { serviceUrl: string }).serviceUrl).to.equal(harness.serviceUrl);
  });

  it('welcomes a personal chat with runbooks of every kind', async () => {
    const chat = personalChat();
    const welcome = await install(botAdded(harness.serviceUrl, chat));
    expect(activityText(welcome.activity)).to.contain('Get-Greeting').and.contain('Move-Storage').and.contain('this chat');
  });

  it('stores the conversation on installationUpdate without a second welcome', async () => {
    const chat = personalChat();
    const from = harness.recorder.mark();
    expect((await postActivity(harness.url, installationAdded(harness.serviceUrl, chat))).status).to.equal(200);
    expect(await harness.app.store.getConversation(chat.conversationId)).to.include({ kind: 'personal' });
    expect(harness.recorder.requests.slice(from)).to.deep.equal([]);
  });

  it('keeps a channel name learned at install when later messages carry none', async () => {
    const channel = teamChannel('incident-bridge');
    await install(botAdded(harness.serviceUrl, channel));
    const thread = { ...channel, conversationId: `${channel.channelId};messageid=1700000000123`, channelName: undefined };
    await harness.say(thread, 'help');
    expect(await harness.app.store.getConversation(thread.conversationId)).to.include({ name: 'incident-bridge' });
  });

  it('welcomes a new incident channel created in a team with the bot, and not an ordinary one', async () => {
    const general = teamChannel('General', { teamName: 'Operations' });
    const incident = { ...teamChannel('inc-4712'), teamId: general.teamId };
    const from = harness.recorder.mark();
    await postActivity(harness.url, channelCreated(harness.serviceUrl, general, incident));
    const welcome = await harness.recorder.waitFor((r) => r.conversationId === incident.channelId, { from, description: 'welcome in the new channel' });
    expect(activityText(welcome.activity)).to.contain('Get-IncidentStatus');
    expect(await harness.app.store.getConversation(incident.channelId!)).to.include({ name: 'inc-4712', kind: 'channel' });

    const ordinary = { ...teamChannel('design-reviews'), teamId: general.teamId };
    const quiet = harness.recorder.mark();
    expect((await postActivity(harness.url, channelCreated(harness.serviceUrl, general, ordinary))).status).to.equal(200);
    expect(await harness.app.store.getConversation(ordinary.channelId!)).to.include({ name: 'design-reviews' });
    expect(harness.recorder.requests.slice(quiet)).to.deep.equal([]);

    const renamed = { ...ordinary, channelName: 'inc-4713-design' };
    expect((await postActivity(harness.url, channelCreated(harness.serviceUrl, general, renamed, undefined, 'channelRenamed'))).status).to.equal(200);
    expect(await harness.app.store.getConversation(ordinary.channelId!)).to.include({ name: 'inc-4713-design' });
    expect(await harness.app.store.getConversation(general.teamId!)).to.include({ name: 'Operations' });
  });
});
