// Switchboard playground: a local stand-in for the Teams chat. What you type and click goes to
// /playground/api/messages (which posts Teams activities to the bot); what the bot sends arrives
// over Server-Sent Events and is rendered with Microsoft's Adaptive Cards renderer. A card the
// bot updates in place is replaced where it is, by activity id, as in Teams.
'use strict';

(function () {
  const AC = window.AdaptiveCards;
  const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
  const transcript = document.getElementById('transcript');
  const status = document.getElementById('status');
  const compose = document.getElementById('compose');
  const input = document.getElementById('text');
  const placeSelect = document.getElementById('place');
  let hostConfig;
  let events;
  let place = localStorage.getItem('playground.place') || 'personal';

  // Cards carry plain text; without this the renderer warns that markdown is not enabled.
  AC.AdaptiveCard.onProcessMarkdown = (_text, result) => {
    result.didProcess = false;
  };

  function conversationId() {
    const key = `playground.conversation.${place}`;
    let id = localStorage.getItem(key);
    if (!id) {
      id = `${place === 'channel' ? 'channel' : 'chat'}-${crypto.randomUUID()}`;
      localStorage.setItem(key, id);
    }
    return id;
  }

  function showStatus(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  async function post(body) {
    const response = await fetch('/playground/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: conversationId(), place, ...body }),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
    return answer;
  }

  function time(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function renderCard(json, activityId) {
    const card = new AC.AdaptiveCard();
    card.hostConfig = hostConfig;
    card.onExecuteAction = (action) => execute(action, activityId);
    card.parse(json);
    return card.render();
  }

  function execute(action, activityId) {
    const type = action.getJsonTypeName();
    if (type === 'Action.OpenUrl') {
      window.open(action.url, '_blank', 'noopener');
      return;
    }
    if (type !== 'Action.Execute') {
      showStatus(`${type} is not used by Switchboard cards; only Action.Execute and Action.OpenUrl are handled here.`);
      return;
    }
    const message = transcript.querySelector(`[data-activity-id="${CSS.escape(activityId)}"]`);
    message?.classList.add('pending');
    showStatus('');
    // action.data holds the action's data merged with the card's input values, as Teams sends it.
    post({ type: 'invoke', replyToId: activityId, verb: action.verb, data: action.data || {} })
      .then((answer) => {
        if (answer.message) showStatus(typeof answer.message === 'string' ? answer.message : JSON.stringify(answer.message));
      })
      .catch((error) => showStatus(`The action failed: ${error.message}`))
      .finally(() => message?.classList.remove('pending'));
  }

  function renderEntry(entry) {
    const element = document.createElement('article');
    element.className = `message from-${entry.from}`;
    element.dataset.activityId = entry.id;
    element.dataset.revision = String(entry.revision);
    const header = document.createElement('header');
    header.textContent = `${entry.from === 'bot' ? 'Switchboard' : 'You'} · ${time(entry.at)}${entry.revision > 0 ? ' · updated' : ''}`;
    element.append(header);
    if (entry.text) {
      const text = document.createElement('div');
      text.className = 'text';
      text.textContent = entry.text;
      element.append(text);
    }
    for (const attachment of entry.attachments || []) {
      if (attachment.contentType !== ADAPTIVE_CARD) continue;
      const holder = document.createElement('div');
      holder.className = 'card';
      // Teams stretches cards that ask for it ("msteams": { "width": "Full" }) to the chat's width.
      if (attachment.content?.msteams?.width === 'Full') element.classList.add('full-width');
      try {
        holder.append(renderCard(attachment.content, entry.id));
      } catch (error) {
        holder.textContent = `This card could not be rendered: ${error.message}`;
      }
      element.append(holder);
    }
    return element;
  }

  function upsert(entry) {
    const existing = transcript.querySelector(`[data-activity-id="${CSS.escape(entry.id)}"]`);
    const element = renderEntry(entry);
    if (existing) {
      existing.replaceWith(element);
      return;
    }
    const atBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 80;
    transcript.append(element);
    if (atBottom || entry.from === 'user') element.scrollIntoView({ block: 'end' });
  }

  function connect() {
    events?.close();
    transcript.replaceChildren();
    placeSelect.value = place;
    const query = new URLSearchParams({ conversationId: conversationId(), place });
    events = new EventSource(`/playground/events?${query}`);
    events.addEventListener('entry', (event) => upsert(JSON.parse(event.data)));
    events.addEventListener('removed', (event) => {
      transcript.querySelector(`[data-activity-id="${CSS.escape(JSON.parse(event.data).id)}"]`)?.remove();
    });
    events.addEventListener('ready', (event) => {
      document.body.dataset.ready = 'true';
      showStatus('');
      // A new conversation: tell the bot it was added, as Teams does on install (welcome card).
      if (JSON.parse(event.data).replayed === 0) post({ type: 'install' }).catch((error) => showStatus(error.message));
    });
    events.onerror = () => showStatus('Lost the connection to the bot; retrying …');
  }

  compose.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    post({ type: 'message', text }).catch((error) => showStatus(`Not sent: ${error.message}`));
  });

  placeSelect.addEventListener('change', () => {
    place = placeSelect.value;
    localStorage.setItem('playground.place', place);
    connect();
  });

  document.getElementById('restart').addEventListener('click', () => {
    localStorage.removeItem(`playground.conversation.${place}`);
    connect();
  });

  fetch('/playground/host-config.json')
    .then((response) => response.json())
    .then((json) => {
      hostConfig = new AC.HostConfig(json);
      connect();
    })
    .catch((error) => showStatus(`Could not load the host config: ${error.message}`));
})();
