package dev.seed.websocket.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * Case group 12, permessage-deflate (RFC 7692) with the default offer, over five data sets
 * (12.1 to 12.5), each with 18 message sizes and auto-fragment sizes.
 */
class Group12DeflateTest extends ConformanceGroupTest {

    static List<ConformanceCase> all() {
        CompressionCorpus[] corpora = {CompressionCorpus.JSON, CompressionCorpus.BITMAP, CompressionCorpus.PROSE,
            CompressionCorpus.HTML, CompressionCorpus.PDF};
        List<ConformanceCase> cases = new ArrayList<>();
        for (int j = 0; j < corpora.length; j++) {
            CompressionCorpus corpus = corpora[j];
            cases.addAll(CompressedEchoCases.subgroup("12." + (j + 1), corpus.description(), corpus,
                    CompressedEchoCases.DEFAULT_OFFER.header(), CompressedEchoCases::acceptFirst,
                    CompressedEchoCases.responseMatches(CompressedEchoCases.DEFAULT_OFFER)));
        }
        return cases;
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
