// The chat page: joins a room over websocket-client.js and shows the room and the connection.
import { WebSocketClient, State, QueueFullError } from './websocket-client.js';

const $ = (id) => document.getElementById(id);

const view = {
    joinView: $('join-view'),
    joinForm: $('join-form'),
    joinError: $('join-error'),
    name: $('name'),
    room: $('room'),
    chatView: $('chat-view'),
    roomTitle: $('room-title'),
    messages: $('messages'),
    members: $('members'),
    sendForm: $('send-form'),
    text: $('text'),
    status: $('status'),
    statusText: $('status-text'),
    queueBadge: $('queue-badge'),
    retry: $('retry'),
    leave: $('leave'),
    connectionInfo: $('connection-info'),
};

/** The chat session: one room, one name, one client. */
let session = null;
let countdown = null;

const configPromise = fetch('config.json').then((response) => {
    if (!response.ok) {
        throw new Error(`config.json: HTTP ${response.status}`);
    }
    return response.json();
});

function chatUrl(config, room) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${location.hostname}:${config.websocket.port}${config.websocket.chatPath}${encodeURIComponent(room)}`;
}

async function join(name, room) {
    let config;
    try {
        config = await configPromise;
    } catch (error) {
        showJoinError(`Cannot load the page's configuration (${error.message}). Is the server running?`);
        return;
    }
    sessionStorage.setItem('chat.name', name);
    history.replaceState(null, '', `#${room}`);
    view.joinView.hidden = true;
    view.chatView.hidden = false;
    view.roomTitle.textContent = `#${room}`;
    document.title = `#${room} · WebSocket chat`;
    view.messages.replaceChildren();
    view.members.replaceChildren();
    view.text.maxLength = config.chat.maxTextLength;

    const client = new WebSocketClient(chatUrl(config, room), {
        protocols: [config.websocket.subprotocol],
        reconnect: { initialDelay: config.reconnect.initialDelay, maxDelay: config.reconnect.maxDelay },
        heartbeat: { interval: config.heartbeat.interval },
        maxQueuedMessages: config.chat.maxQueuedMessages,
        autoConnect: false,
    });
    session = { client, name, room, shownIds: new Set(), pending: new Map(), refPrefix: randomId(), refs: 0 };
    wire(session);
    client.connect();
    view.text.focus();
}

function wire(s) {
    const { client } = s;
    client.on('state', ({ state }) => showState(state));
    client.on('open', ({ protocol, extensions, reconnected }) => {
        // every connection starts unjoined: join again after a reconnection, before the queue goes
        client.sendJson({ type: 'join', name: s.name });
        showConnection(client.url, protocol, extensions);
        s.rejoining = reconnected;
    });
    client.on('message', (event) => {
        let message;
        try {
            message = event.json();
        } catch {
            return;
        }
        receive(s, message);
    });
    client.on('reconnecting', ({ attempt, delay, code, reason }) => {
        if (attempt === 1) {
            notice(code === 1001 ? 'The server is going away; reconnecting…' : 'Connection lost; reconnecting…');
        }
        showReconnecting(attempt, delay, code, reason);
    });
    client.on('close', ({ code, reason, willReconnect }) => {
        if (!willReconnect && s === session) {
            const why = reason ? `${reason} (${code})` : `code ${code}`;
            notice(`Disconnected: ${why}`, true);
            showClosed(why);
        }
    });
    client.on('queue', ({ length }) => {
        view.queueBadge.hidden = length === 0;
        view.queueBadge.textContent = `${length} waiting`;
    });
}

function receive(s, message) {
    switch (message.type) {
        case 'welcome':
            showMembers(message.members);
            for (const posted of message.history) {
                showPosted(s, posted);
            }
            notice(s.rejoining ? `Reconnected to #${message.room}` : `You joined #${message.room} as ${message.name}`);
            break;
        case 'joined':
            showMembers(message.members);
            if (message.name !== s.name) {
                notice(`${message.name} joined`);
            }
            break;
        case 'left':
            showMembers(message.members);
            notice(`${message.name} left`);
            break;
        case 'message':
            showPosted(s, message);
            break;
        case 'error':
            notice(message.message, true);
            break;
        default:
            break; // pong, or a type this page does not know
    }
}

function send(s, text) {
    const ref = `${s.refPrefix}-${++s.refs}`;
    let sent;
    try {
        sent = s.client.sendJson({ type: 'message', text, ref });
    } catch (error) {
        notice(error instanceof QueueFullError ? 'Too many messages waiting for the connection' : error.message, true);
        return false;
    }
    const item = messageItem(s.name, text, Date.now(), true);
    item.classList.add('pending');
    const note = document.createElement('span');
    note.className = 'pending-note';
    note.textContent = sent ? 'sending…' : 'waiting for the connection…';
    item.querySelector('.meta').append(note);
    s.pending.set(ref, item);
    append(item);
    return true;
}

function showPosted(s, posted) {
    if (s.shownIds.has(posted.id)) {
        return; // a reconnection's welcome repeats the history
    }
    s.shownIds.add(posted.id);
    const item = messageItem(posted.name, posted.text, posted.time, posted.name === s.name);
    item.dataset.id = posted.id;
    const pending = posted.ref ? s.pending.get(posted.ref) : undefined;
    if (pending && posted.name === s.name) {
        s.pending.delete(posted.ref);
        pending.replaceWith(item);
    } else {
        append(item);
    }
}

function messageItem(name, text, time, mine) {
    const item = document.createElement('li');
    item.className = mine ? 'message mine' : 'message';
    item.dataset.name = name;
    const meta = document.createElement('div');
    meta.className = 'meta';
    const who = document.createElement('span');
    who.className = 'name';
    who.textContent = name;
    const when = document.createElement('time');
    when.dateTime = new Date(time).toISOString();
    when.textContent = new Date(time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    meta.append(who, when);
    const body = document.createElement('p');
    body.className = 'text';
    body.textContent = text;
    item.append(meta, body);
    return item;
}

function notice(text, isError = false) {
    const item = document.createElement('li');
    item.className = isError ? 'notice error' : 'notice';
    item.textContent = text;
    append(item);
}

function append(item) {
    const list = view.messages;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(item);
    if (atBottom) {
        list.scrollTop = list.scrollHeight;
    }
}

function showMembers(names) {
    view.members.replaceChildren(...names.map((name) => {
        const li = document.createElement('li');
        li.textContent = name;
        return li;
    }));
}

function showConnection(url, protocol, extensions) {
    const rows = [['URL', url], ['Subprotocol', protocol || 'none'], ['Extensions', extensions || 'none']];
    view.connectionInfo.replaceChildren(...rows.flatMap(([term, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = term;
        const dd = document.createElement('dd');
        dd.textContent = value;
        return [dt, dd];
    }));
}

function showState(state) {
    clearInterval(countdown);
    view.status.dataset.state = state;
    view.retry.hidden = true;
    if (state === State.CONNECTING) {
        view.statusText.textContent = 'Connecting…';
    } else if (state === State.OPEN) {
        view.statusText.textContent = 'Connected';
    }
}

function showReconnecting(attempt, delay) {
    const until = Date.now() + delay;
    const render = () => {
        const left = Math.max(0, until - Date.now());
        view.statusText.textContent = left > 0
            ? `Reconnecting in ${(left / 1000).toFixed(1)} s (attempt ${attempt})`
            : `Reconnecting… (attempt ${attempt})`;
    };
    clearInterval(countdown);
    render();
    countdown = setInterval(render, 100);
    view.retry.hidden = false;
}

function showClosed(why) {
    clearInterval(countdown);
    view.statusText.textContent = `Disconnected: ${why}`;
    view.retry.hidden = false;
}

function showJoinError(text) {
    view.joinError.textContent = text;
    view.joinError.hidden = false;
}

function randomId() {
    return Math.random().toString(36).slice(2, 10);
}

view.joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    view.joinError.hidden = true;
    join(view.name.value.trim(), view.room.value.trim());
});

view.sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = view.text.value;
    if (session && text.trim() !== '' && send(session, text)) {
        view.text.value = '';
    }
    view.text.focus();
});

view.retry.addEventListener('click', () => {
    if (!session) {
        return;
    }
    if (session.client.state === State.CLOSED) {
        session.client.connect();
    } else {
        session.client.reconnectNow();
    }
});

view.leave.addEventListener('click', async () => {
    const s = session;
    session = null;
    await s?.client.close(1000, 'Left the room');
    clearInterval(countdown);
    view.status.dataset.state = 'idle';
    view.statusText.textContent = 'Not connected';
    view.queueBadge.hidden = true;
    view.retry.hidden = true;
    view.chatView.hidden = true;
    view.joinView.hidden = false;
    view.roomTitle.textContent = '';
    document.title = 'WebSocket chat';
});

// a room in the address (#lobby) and the name this tab used before fill the form
const roomFromHash = decodeURIComponent(location.hash.slice(1));
if (/^[A-Za-z0-9_-]{1,32}$/.test(roomFromHash)) {
    view.room.value = roomFromHash;
}
view.name.value = sessionStorage.getItem('chat.name') ?? '';
(view.name.value ? view.text : view.name).focus();
