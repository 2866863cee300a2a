package dev.seed.websocket.protocol.deflate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic JSON chat corpus: the messages of a busy chat room as a server sends them, each
 * a JSON object with a type, room, user, id, timestamp and a sentence of text (English words,
 * some accented and non-Latin names, an emoji now and then), 60 to 2,000 bytes. Compression
 * ratios of the permessage-deflate modes are measured on it.
 */
public final class ChatCorpus {

    private static final String[] USERS = {"alice", "bob", "chloé", "dmitri", "eun-ji", "farah",
            "gustavo", "hiroshi", "ingrid", "jamal", "katarzyna", "liam", "mei", "nikolai", "olu"};
    private static final String[] ROOMS = {"general", "random", "support", "release-2.4", "ops"};
    private static final String[] WORDS = ("the a to and of is in it you that for on with this be are"
            + " deploy server build test release message room channel today tomorrow please thanks"
            + " merged branch review latency memory socket client handshake compression window"
            + " looks good should we ship it after lunch coffee meeting moved agenda question"
            + " answer ticket customer urgent fixed broken again why not sure maybe later done")
            .split(" ");
    private static final String[] EXTRAS = {"Grüße", "naïve", "Привет", "こんにちは", "👍", "🎉", "café"};

    private ChatCorpus() {
    }

    /** {@code count} messages, the same for the same seed. */
    public static List<byte[]> messages(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> messages = new ArrayList<>(count);
        long id = 100_000;
        long time = 1_796_000_000_000L;
        for (int i = 0; i < count; i++) {
            id += 1 + random.nextInt(3);
            time += random.nextInt(5_000);
            StringBuilder text = new StringBuilder();
            int words = random.nextInt(100) < 90 ? 3 + random.nextInt(25) : 60 + random.nextInt(250);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    text.append(' ');
                }
                text.append(random.nextInt(30) == 0 ? EXTRAS[random.nextInt(EXTRAS.length)]
                        : WORDS[random.nextInt(WORDS.length)]);
            }
            String json = "{\"type\":\"message\",\"room\":\"" + ROOMS[random.nextInt(ROOMS.length)]
                    + "\",\"user\":\"" + USERS[random.nextInt(USERS.length)] + "\",\"id\":" + id
                    + ",\"ts\":" + time + ",\"text\":\"" + text + "\"}";
            messages.add(json.getBytes(StandardCharsets.UTF_8));
        }
        return messages;
    }
}
