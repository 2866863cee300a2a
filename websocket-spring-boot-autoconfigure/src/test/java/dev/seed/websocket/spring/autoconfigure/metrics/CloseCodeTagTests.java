package dev.seed.websocket.spring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The close code tag stays bounded. */
class CloseCodeTagTests {

    private final CloseCodeTag tag = new CloseCodeTag(List.of(4001, 3003));

    @Test
    void registeredCodesAreThemselves() {
        assertThat(tag.of(1000)).isEqualTo("1000");
        assertThat(tag.of(1006)).isEqualTo("1006");
        assertThat(tag.of(1015)).isEqualTo("1015");
    }

    @Test
    void listedApplicationCodesAreThemselvesOthersBucketed() {
        assertThat(tag.of(4001)).isEqualTo("4001");
        assertThat(tag.of(3003)).isEqualTo("3003");
        assertThat(tag.of(4002)).isEqualTo("4xxx");
        assertThat(tag.of(3999)).isEqualTo("3xxx");
        assertThat(tag.of(4999)).isEqualTo("4xxx");
    }

    @Test
    void anythingElseIsOther() {
        assertThat(tag.of(0)).isEqualTo("other");
        assertThat(tag.of(1016)).isEqualTo("other");
        assertThat(tag.of(2999)).isEqualTo("other");
        assertThat(tag.of(5000)).isEqualTo("other");
    }
}
