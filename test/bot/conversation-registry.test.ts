import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConversationRegistry } from '../../src/bot/conversation-registry.js';
import type { ConversationInfo } from '../../src/domain/conversation.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';

function conversation(overrides: Partial<ConversationInfo> = {}): ConversationInfo {
  return {
    key: '19:ops@thread.tacv2',
    kind: 'channel',
    channelId: '19:ops@thread.tacv2',
    teamId: '19:team@thread.tacv2',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    reference: { conversation: { id: '19:ops@thread.tacv2' }, user: { id: '29:ada' } },
    updatedAt: new Date(0).toISOString(),
    ...overrides,
  };
}

describe('ConversationRegistry (saves a conversation only when it changed)', () => {
  let tempDir: string;
  let store: Store;
  let saves: number;
  let reads: number;
  let now: number;
  let registry: ConversationRegistry;

  beforeEach(async () => {
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-registry-'));
    const real = await createStore({ kind: 'sqlite', path: path.join(tempDir, 'registry.db') }, silentLogger());
    saves = 0;
    reads = 0;
    // The real SQLite store, with its conversation reads and writes counted.
    store = Object.assign(Object.create(real) as Store, {
      saveConversation: (info: ConversationInfo) => (saves++, real.saveConversation(info)),
      getConversation: (key: string) => (reads++, real.getConversation(key)),
      close: () => real.close(),
    });
    now = Date.parse('2026-11-25T10:00:00Z');
    registry = new ConversationRegistry(store, () => new Date(now));
  });
  afterEach(async () => {
    await store.close();
    await rm(tempDir, { recursive: true, force: true });
  });

  it('does not write or read the store again for an unchanged conversation', async () => {
    await registry.save(conversation({ name: 'ops' }));
    now += 1000;
    const again = await registry.save(conversation({ name: 'ops', updatedAt: new Date(now).toISOString() }));
    expect(saves).to.equal(1);
    expect(reads).to.equal(0);
    expect(again.name).to.equal('ops');
  });

  it('keeps the learned name without reading it back when later activities carry none', async () => {
    await registry.save(conversation({ name: 'inc-2041' }));
    const unnamed = await registry.save(conversation());
    expect(unnamed.name).to.equal('inc-2041');
    expect({ saves, reads }).to.deep.equal({ saves: 1, reads: 0 });
  });

  it('saves again when the reference changes (another person writes in the chat)', async () => {
    await registry.save(conversation({ name: 'ops' }));
    await registry.save(conversation({ name: 'ops', reference: { conversation: { id: '19:ops@thread.tacv2' }, user: { id: '29:grace' } } }));
    expect(saves).to.equal(2);
    expect((await store.getConversation('19:ops@thread.tacv2'))?.reference).to.deep.include({ user: { id: '29:grace' } });
  });

  it('saves an unchanged conversation again after ten minutes, reading the stored name back', async () => {
    await registry.save(conversation({ name: 'ops' }));
    // Another instance learned the channel's new name meanwhile.
    await store.saveConversation(conversation({ name: 'ops-renamed' }));
    now += 10 * 60_000;
    const later = await registry.save(conversation());
    expect(later.name).to.equal('ops-renamed');
    expect(saves).to.equal(3);
  });

  it('saves a first message in a personal chat without reading the store first (there is no name to keep)', async () => {
    const personal = conversation({ key: 'a:1personal-ada', kind: 'personal', channelId: undefined, teamId: undefined });
    const saved = await registry.save(personal);
    expect({ saves, reads }).to.deep.equal({ saves: 1, reads: 0 });
    expect(saved.name).to.equal(undefined);
    expect((await store.getConversation('a:1personal-ada'))?.kind).to.equal('personal');
  });

  it('reads a name learned earlier (by another instance) before the first save of a channel or group chat', async () => {
    await store.saveConversation(conversation({ name: 'inc-2041' }));
    const heard = await registry.save(conversation());
    expect(heard.name).to.equal('inc-2041');
    expect(reads).to.equal(1);
  });
});
