package dev.seed.websocket.internal;

import dev.seed.websocket.SubscribeResult;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.cluster.History;
import dev.seed.websocket.cluster.PresenceMember;
import dev.seed.websocket.cluster.Publication;
import dev.seed.websocket.cluster.TopicPosition;
import dev.seed.websocket.protocol.WireFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The connections of this instance subscribed to one topic, by how they get its publications:
 * plain (the payload as published), positioned (the envelope of {@link TopicEnvelope}), or
 * recovering (held until what they missed has been sent). A publication is sent to all of them
 * under this object's lock, encoded once for each form, so a connection that finishes its
 * recovery never sees a live publication before the missed ones, nor one twice. Sends only queue
 * bytes, so the lock is held briefly. Thread safe.
 */
final class TopicSubscribers {

    final String topic;
    /** Completes when the broker delivers this topic's publications to this instance. */
    final CompletableFuture<Void> listening;

    // all guarded by this; the maps and the second set are made on first need
    private final Set<WsConnection> plain = new HashSet<>();
    private Set<WsConnection> positioned;
    /** Recovering connections and the live publications held for each until its recovery ends. */
    private Map<WsConnection, List<Publication>> recovering;
    private Map<WsConnection, PresenceMember> present;
    /**
     * Connections that ended a recovery, with the position the recovery brought them to: a live
     * publication at or before it (placed while the history was read, and still on its way to
     * this instance) is not sent again. An entry goes with the first publication after it.
     */
    private Map<WsConnection, TopicPosition> floors;
    /** The position of the last publication delivered here, to see one go missing; null before the first. */
    private String lastEpoch;
    private long lastOffset;

    TopicSubscribers(String topic, CompletableFuture<Void> listening) {
        this.topic = topic;
        this.listening = listening;
    }

    /** Most live publications held for one recovering connection; past it, its recovery fails. */
    static final int MAX_HELD = 10_000;
    /** The held list of a connection that passed {@link #MAX_HELD}: its recovery fails. */
    private static final List<Publication> OVERFLOWED = List.of();

    /**
     * Adds {@code c} (again: a second subscription replaces the first), a member of the topic's
     * presence as {@code member} when not null.
     */
    synchronized void add(WsConnection c, boolean envelope, boolean recover, PresenceMember member) {
        removeQuietly(c);
        if (member != null) {
            if (present == null) {
                present = new HashMap<>();
            }
            present.put(c, member);
        }
        if (recover) {
            if (recovering == null) {
                recovering = new HashMap<>();
            }
            recovering.put(c, new ArrayList<>());
        } else if (envelope) {
            if (positioned == null) {
                positioned = new HashSet<>();
            }
            positioned.add(c);
        } else {
            plain.add(c);
        }
    }

    /** Removes {@code c}; returns its presence membership, or null when it had none. */
    synchronized PresenceMember remove(WsConnection c) {
        removeQuietly(c);
        return present == null ? null : present.remove(c);
    }

    private void removeQuietly(WsConnection c) {
        plain.remove(c);
        if (positioned != null) {
            positioned.remove(c);
        }
        if (recovering != null) {
            recovering.remove(c);
        }
        if (floors != null) {
            floors.remove(c);
        }
    }

    synchronized boolean isEmpty() {
        return plain.isEmpty() && (positioned == null || positioned.isEmpty())
                && (recovering == null || recovering.isEmpty());
    }

    synchronized Set<WebSocketConnection> snapshot() {
        Set<WebSocketConnection> all = new HashSet<>(plain);
        if (positioned != null) {
            all.addAll(positioned);
        }
        if (recovering != null) {
            all.addAll(recovering.keySet());
        }
        return all;
    }

    synchronized int size() {
        return plain.size() + (positioned == null ? 0 : positioned.size())
                + (recovering == null ? 0 : recovering.size());
    }

    /**
     * Sends {@code p} to every subscriber but the connection numbered {@code except} (-1: none),
     * encoding it once per form; recovering connections keep it for later.
     */
    synchronized CompletableFuture<Integer> deliver(Publication p, long except) {
        DeliveryCount count = new DeliveryCount();
        if (p.epoch() != null) {
            positionAdvanced(p);
        }
        int opcode = p.text() ? WireFormat.OPCODE_TEXT : WireFormat.OPCODE_BINARY;
        SharedMessage asPublished = null;
        if (!plain.isEmpty()) {
            asPublished = new SharedMessage(opcode, p.data());
            send(asPublished, plain, except, count);
        }
        if (positioned != null && !positioned.isEmpty()) {
            SharedMessage enveloped = enveloped(p);
            if (enveloped == null) {
                enveloped = asPublished != null ? asPublished : new SharedMessage(opcode, p.data());
            }
            if (floors == null || floors.isEmpty()) {
                send(enveloped, positioned, except, count);
            } else {
                sendAboveFloors(enveloped, p, except, count);
            }
        }
        if (recovering != null) {
            for (Map.Entry<WsConnection, List<Publication>> e : recovering.entrySet()) {
                List<Publication> held = e.getValue();
                if (e.getKey().idNumber() == except || held == OVERFLOWED) {
                    continue;
                }
                if (held.size() >= MAX_HELD) {
                    e.setValue(OVERFLOWED); // too far behind: its recovery fails rather than hold without bound
                } else {
                    held.add(p);
                }
            }
        }
        return count.done();
    }

    /**
     * Follows the topic's position; when a publication comes after a gap (offsets lost on the way
     * to this instance, say while its subscription to the engine was being restored), tells the
     * positioned subscribers that they did not get everything: a notice with
     * {@code "recovered":false}, so that they reload rather than carry on past the gap.
     */
    private void positionAdvanced(Publication p) {
        if (lastEpoch != null && lastEpoch.equals(p.epoch()) && p.offset() > lastOffset + 1
                && positioned != null && !positioned.isEmpty()) {
            String notice = TopicEnvelope.recovery(topic, false, 0, new TopicPosition(p.offset() - 1, p.epoch()));
            for (WsConnection c : positioned) {
                c.sendText(notice);
            }
        }
        if (lastEpoch == null || !lastEpoch.equals(p.epoch()) || p.offset() > lastOffset) {
            lastEpoch = p.epoch();
            lastOffset = p.offset();
        }
    }

    /** Sends to the positioned subscribers but those whose recovery already gave {@code p}. */
    private void sendAboveFloors(SharedMessage m, Publication p, long except, DeliveryCount count) {
        for (WsConnection c : positioned) {
            if (c.idNumber() == except || !c.isOpen()) {
                continue;
            }
            TopicPosition floor = floors.get(c);
            if (floor != null) {
                if (p.epoch() != null && p.epoch().equals(floor.epoch()) && p.offset() <= floor.offset()) {
                    continue; // the recovery sent it
                }
                floors.remove(c);
            }
            count.add(m.sendTo(c));
        }
    }

    /**
     * Ends the recovery of {@code c} from {@code since}: sends what it missed (when the history
     * holds all of it), the notice, then the live publications held meanwhile that come after.
     */
    synchronized SubscribeResult finishRecovery(WsConnection c, TopicPosition since, History history, Throwable failure) {
        List<Publication> held = recovering == null ? null : recovering.remove(c);
        if (held == null) {
            // unsubscribed or ended meanwhile
            return SubscribeResult.notSubscribed();
        }
        boolean recovered = failure == null && held != OVERFLOWED && history.complete()
                && history.top().epoch().equals(since.epoch());
        int missed = 0;
        long last;
        String epoch;
        if (recovered) {
            last = since.offset();
            for (Publication p : history.publications()) {
                if (p.offset() > last) {
                    sendEnveloped(c, p);
                    last = p.offset();
                    missed++;
                }
            }
            epoch = since.epoch();
        } else if (failure == null && held != OVERFLOWED) {
            last = history.top().offset();
            epoch = history.top().epoch();
        } else if (held == OVERFLOWED) {
            // what was held is gone: carry on from where this topic stands here
            last = lastEpoch == null ? 0 : lastOffset;
            epoch = lastEpoch == null ? "" : lastEpoch;
        } else {
            // the history could not be read: live publications follow from where the first held one stands
            Publication first = held.isEmpty() ? null : held.get(0);
            last = first == null || first.epoch() == null ? 0 : first.offset() - 1;
            epoch = first == null || first.epoch() == null ? "" : first.epoch();
        }
        TopicPosition position = new TopicPosition(last, epoch);
        c.sendText(TopicEnvelope.recovery(topic, recovered, missed, position));
        long sentUpTo = last;
        for (Publication p : held) {
            // a held publication the history already gave is skipped; one of another epoch (a new
            // stream) is sent
            if (p.epoch() == null || !p.epoch().equals(epoch) || p.offset() > sentUpTo) {
                sendEnveloped(c, p);
                if (p.epoch() != null && p.epoch().equals(epoch)) {
                    sentUpTo = p.offset();
                }
            }
        }
        if (positioned == null) {
            positioned = new HashSet<>();
        }
        positioned.add(c);
        if (!epoch.isEmpty()) {
            if (floors == null) {
                floors = new HashMap<>();
            }
            floors.put(c, new TopicPosition(sentUpTo, epoch));
        }
        return new SubscribeResult(true,
                recovered ? SubscribeResult.Recovery.RECOVERED : SubscribeResult.Recovery.NOT_RECOVERED, missed, position);
    }

    private static void sendEnveloped(WsConnection c, Publication p) {
        SharedMessage m = enveloped(p);
        if (m == null) {
            m = new SharedMessage(p.text() ? WireFormat.OPCODE_TEXT : WireFormat.OPCODE_BINARY, p.data());
        }
        m.sendTo(c);
    }

    /** The envelope of a text publication with a position; null for one without or a binary one. */
    private static SharedMessage enveloped(Publication p) {
        if (!p.text() || p.epoch() == null) {
            return null;
        }
        return new SharedMessage(WireFormat.OPCODE_TEXT, TopicEnvelope.publication(p));
    }

    private static void send(SharedMessage m, Set<WsConnection> targets, long except, DeliveryCount count) {
        for (WsConnection c : targets) {
            if (c.idNumber() != except && c.isOpen()) {
                count.add(m.sendTo(c));
            }
        }
    }
}
