package dev.seed.websocket.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The shape shared by case groups 12 and 13: with permessage-deflate negotiated, the peer sends
 * many compressed messages of one size (slices of a data set), auto-fragmented or not, and each
 * must come back intact before the next is sent.
 */
final class CompressedEchoCases {

    /** (payload length, auto-fragment size) of cases x.y.1 to x.y.18. */
    static final int[][] SIZES = {
        {16, 0}, {64, 0}, {256, 0}, {1024, 0}, {4096, 0}, {8192, 0}, {16384, 0}, {32768, 0}, {65536, 0},
        {131072, 0}, {8192, 256}, {16384, 256}, {32768, 256}, {65536, 256}, {131072, 256}, {131072, 1024},
        {131072, 4096}, {131072, 32768},
    };

    /**
     * The public suite sends 1000 messages per case; this suite sends as many as fit in 128 KiB
     * (between 4 and 200), which keeps every context-takeover path busy across several messages
     * and the whole run short. {@code -Dconformance.fullCounts=true} sends 1000 like the public suite.
     */
    static int count(int length) {
        if (Boolean.getBoolean("conformance.fullCounts")) {
            return 1000;
        }
        return Math.max(4, Math.min(200, 128 * 1024 / length));
    }

    private CompressedEchoCases() {
    }

    /** The 18 cases of one subgroup. */
    static List<ConformanceCase> subgroup(String prefix, String what, CompressionCorpus corpus, String offer,
            Function<List<Map<String, String>>, String> answer, Function<Map<String, String>, String> checkResponse) {
        List<ConformanceCase> cases = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            int length = SIZES[i][0];
            int fragment = SIZES[i][1];
            int count = count(length);
            cases.add(ConformanceCase.of(prefix + "." + (i + 1),
                    count + " compressed " + (corpus.binary() ? "binary" : "text") + " messages of " + length
                            + " bytes" + (fragment > 0 ? " in frames of " + fragment : "") + ", " + what,
                    c -> {
                        if (c.peer.deflate == null) {
                            throw new AssertionError("permessage-deflate was not agreed");
                        }
                        // Against our server, its response must fit the peer's offer.
                        String problem = c.peer.isClient ? checkResponse.apply(c.peer.agreedExtension) : null;
                        if (problem != null) {
                            throw new AssertionError("bad permessage-deflate response " + c.peer.agreedExtension
                                    + ": " + problem);
                        }
                        int opcode = corpus.binary() ? CaseContext.BINARY : CaseContext.TEXT;
                        int offset = 0;
                        for (int n = 0; n < count; n++) {
                            byte[] p = corpus.slice(offset, length);
                            offset = (offset + length) % corpus.data().length;
                            c.message(opcode, p, fragment, true);
                            c.expectNext(corpus.binary() ? Event.binary(p) : Event.text(p), 5000);
                        }
                        c.close(1000);
                    }, Outcome.answersClose(1000)).deflate(offer, answer).within(30_000));
        }
        return cases;
    }

    // ---------------------------------------------------------------- offers and answers

    /** A permessage-deflate element's parameters in the public suite's terms. */
    record Offer(boolean acceptNoContextTakeover, boolean acceptMaxWindowBits, boolean requestNoContextTakeover,
            int requestMaxWindowBits) {
        static Offer of(Map<String, String> element) {
            String bits = element.get("server_max_window_bits");
            return new Offer(element.containsKey("client_no_context_takeover"),
                    element.containsKey("client_max_window_bits"), element.containsKey("server_no_context_takeover"),
                    bits == null ? 0 : Integer.parseInt(bits));
        }

        /** The offer as a header element. */
        String header() {
            return "permessage-deflate" + (acceptNoContextTakeover ? "; client_no_context_takeover" : "")
                    + (acceptMaxWindowBits ? "; client_max_window_bits" : "")
                    + (requestNoContextTakeover ? "; server_no_context_takeover" : "")
                    + (requestMaxWindowBits != 0 ? "; server_max_window_bits=" + requestMaxWindowBits : "");
        }

        /**
         * A server's acceptance of this offer: it honours what the offer requests of the server and
         * asks the client for {@code clientNoContextTakeover} and {@code clientMaxWindowBits} (0: not).
         */
        String accept(boolean clientNoContextTakeover, int clientMaxWindowBits) {
            return "permessage-deflate" + (requestNoContextTakeover ? "; server_no_context_takeover" : "")
                    + (requestMaxWindowBits != 0 ? "; server_max_window_bits=" + requestMaxWindowBits : "")
                    + (clientNoContextTakeover ? "; client_no_context_takeover" : "")
                    + (clientMaxWindowBits != 0 ? "; client_max_window_bits=" + clientMaxWindowBits : "");
        }
    }

    /** The default offer of a client: it accepts any window and context parameter. */
    static final Offer DEFAULT_OFFER = new Offer(true, true, false, 0);

    /** Checks a server's response against the offer it answers (RFC 7692 7.1.1.1, 7.1.2.1). */
    static Function<Map<String, String>, String> responseMatches(Offer offer) {
        return response -> {
            if (offer.requestNoContextTakeover() && !response.containsKey("server_no_context_takeover")) {
                return "server_no_context_takeover was requested";
            }
            String bits = response.get("server_max_window_bits");
            if (offer.requestMaxWindowBits() != 0
                    && (bits == null || Integer.parseInt(bits) > offer.requestMaxWindowBits())) {
                return "server_max_window_bits=" + offer.requestMaxWindowBits() + " was requested";
            }
            if (!offer.acceptMaxWindowBits() && response.containsKey("client_max_window_bits")) {
                return "client_max_window_bits was not offered";
            }
            return null;
        };
    }

    /** Accepts the first permessage-deflate offer as it is. */
    static String acceptFirst(List<Map<String, String>> offers) {
        for (Map<String, String> o : offers) {
            if ("permessage-deflate".equals(o.get(""))) {
                return Offer.of(o).accept(false, 0);
            }
        }
        return null;
    }
}
