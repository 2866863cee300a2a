package dev.seed.websocket.conformance;

import dev.seed.websocket.conformance.CompressedEchoCases.Offer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Case group 13, permessage-deflate parameters (RFC 7692 7.1): against our server the peer offers
 * each combination of server_no_context_takeover and server_max_window_bits (8 and 15), one
 * offer or three; against our client the peer answers with each combination of
 * client_no_context_takeover and client_max_window_bits. JSON data, 18 sizes each.
 */
class Group13DeflateParametersTest extends ConformanceGroupTest {

    /** One subgroup: what the peer offers as a client, and how it answers as a server. */
    private record Variant(List<Offer> offers, Function<List<Map<String, String>>, String> answer, String answerDoc) {
    }

    /** The server answers the first offer that allows it, asking for these client parameters. */
    private static Function<List<Map<String, String>>, String> answer(boolean clientNoContextTakeover, int clientBits) {
        return offers -> {
            for (Map<String, String> o : offers) {
                if (!"permessage-deflate".equals(o.get(""))) {
                    continue;
                }
                Offer offer = Offer.of(o);
                if ((!clientNoContextTakeover || offer.acceptNoContextTakeover())
                        && (clientBits == 0 || offer.acceptMaxWindowBits())) {
                    return offer.accept(clientNoContextTakeover, clientBits);
                }
            }
            return null;
        };
    }

    static List<ConformanceCase> all() {
        Function<List<Map<String, String>>, String> a5 = answer(true, 8);
        Function<List<Map<String, String>>, String> a2 = answer(true, 0);
        Function<List<Map<String, String>>, String> a1 = answer(false, 0);
        List<Variant> variants = List.of(
                new Variant(List.of(new Offer(true, true, false, 0)), a1, "(False, 0)"),
                new Variant(List.of(new Offer(true, true, true, 0)), a2, "(True, 0)"),
                new Variant(List.of(new Offer(true, true, false, 8)), answer(false, 8), "(False, 8)"),
                new Variant(List.of(new Offer(true, true, false, 15)), answer(false, 15), "(False, 15)"),
                new Variant(List.of(new Offer(true, true, true, 8)), a5, "(True, 8)"),
                new Variant(List.of(new Offer(true, true, true, 15)), answer(true, 15), "(True, 15)"),
                new Variant(List.of(new Offer(true, true, true, 8), new Offer(true, true, true, 0),
                        new Offer(true, true, false, 0)), offers -> {
                            String r = a5.apply(offers);
                            r = r != null ? r : a2.apply(offers);
                            return r != null ? r : a1.apply(offers);
                        }, "[(True, 8), (True, 0), (False, 0)]"));
        List<ConformanceCase> cases = new ArrayList<>();
        for (int j = 0; j < variants.size(); j++) {
            Variant v = variants.get(j);
            String header = v.offers().stream().map(Offer::header).collect(Collectors.joining(", "));
            String offersDoc = v.offers().stream()
                    .map(o -> "(" + o.requestNoContextTakeover() + ", " + o.requestMaxWindowBits() + ")")
                    .collect(Collectors.joining(", ", "[", "]"));
            // The server's response must fit the offer it picked; the first is the most demanding.
            cases.addAll(CompressedEchoCases.subgroup("13." + (j + 1),
                    "offers " + offersDoc + ", answers " + v.answerDoc(), CompressionCorpus.JSON, header, v.answer(),
                    response -> firstFitting(v.offers(), response)));
        }
        return cases;
    }

    /** Null when the response fits one of the offers (RFC 7692 section 5: it answers one of them). */
    private static String firstFitting(List<Offer> offers, Map<String, String> response) {
        String first = null;
        for (Offer o : offers) {
            String problem = CompressedEchoCases.responseMatches(o).apply(response);
            if (problem == null) {
                return null;
            }
            first = first == null ? problem : first;
        }
        return first;
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
