package dev.seed.websocket.redis;

import java.nio.charset.StandardCharsets;

/**
 * The names of what an engine keeps in Redis, all under one prefix (default {@code ws}) so that
 * several applications can share a Redis:
 * <ul>
 * <li>{@code ws:t:<topic>}, {@code ws:u:<user>}, {@code ws:b}: the PUB/SUB channels of a topic, a
 *   user, and broadcasts; {@code ws:p}: the channel of presence events;
 * <li>{@code ws:h:<topic>}: a topic's history (a stream), {@code ws:m:<topic>}: its epoch and last
 *   offset (a hash);
 * <li>{@code ws:pr:<topic>}: a topic's presence members (a hash by {@code instance/connection}),
 *   {@code ws:pm:<instance>}: an instance's members ({@code connection LF topic}, a hash), {@code ws:instances}:
 *   the live instances with the time each expires (a sorted set).
 * </ul>
 * Immutable.
 */
final class RedisKeys {

    private final String prefix;
    private final byte[] topicChannelPrefix;
    private final byte[] userChannelPrefix;
    private final byte[] broadcastChannel;
    private final byte[] presenceChannel;

    RedisKeys(String prefix) {
        this.prefix = prefix;
        this.topicChannelPrefix = bytes(prefix + ":t:");
        this.userChannelPrefix = bytes(prefix + ":u:");
        this.broadcastChannel = bytes(prefix + ":b");
        this.presenceChannel = bytes(prefix + ":p");
    }

    byte[] topicChannel(String topic) {
        return concat(topicChannelPrefix, bytes(topic));
    }

    byte[] userChannel(String user) {
        return concat(userChannelPrefix, bytes(user));
    }

    byte[] broadcastChannel() {
        return broadcastChannel.clone();
    }

    byte[] presenceChannel() {
        return presenceChannel.clone();
    }

    byte[] history(String topic) {
        return bytes(prefix + ":h:" + topic);
    }

    byte[] meta(String topic) {
        return bytes(prefix + ":m:" + topic);
    }

    byte[] presence(String topic) {
        return bytes(prefix + ":pr:" + topic);
    }

    byte[] instanceMembers(String instance) {
        return bytes(prefix + ":pm:" + instance);
    }

    byte[] instances() {
        return bytes(prefix + ":instances");
    }

    /** The prefix of presence keys, for the sweep script. */
    byte[] presencePrefix() {
        return bytes(prefix + ":pr:");
    }

    byte[] instanceMembersPrefix() {
        return bytes(prefix + ":pm:");
    }

    /** What a channel is: 't' topic, 'u' user, 'b' broadcast, 'p' presence; 0 for none of ours. */
    char kind(byte[] channel) {
        if (startsWith(channel, topicChannelPrefix)) {
            return 't';
        }
        if (startsWith(channel, userChannelPrefix)) {
            return 'u';
        }
        if (java.util.Arrays.equals(channel, broadcastChannel)) {
            return 'b';
        }
        if (java.util.Arrays.equals(channel, presenceChannel)) {
            return 'p';
        }
        return 0;
    }

    /** The topic or user name of a topic or user channel. */
    String name(byte[] channel) {
        int skip = startsWith(channel, topicChannelPrefix) ? topicChannelPrefix.length : userChannelPrefix.length;
        return new String(channel, skip, channel.length - skip, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static boolean startsWith(byte[] s, byte[] prefix) {
        return s.length >= prefix.length && java.util.Arrays.equals(s, 0, prefix.length, prefix, 0, prefix.length);
    }
}
