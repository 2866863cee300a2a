package dev.seed.websocket.protocol.handshake;

import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.ExtensionFactory;
import dev.seed.websocket.protocol.extension.ExtensionNegotiationException;
import dev.seed.websocket.protocol.extension.ExtensionParameters;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An extension factory for negotiation tests: it owns {@code reservedBits}, accepts the first offer
 * without a {@code decline} parameter (echoing it) and records what it was given.
 */
final class FakeExtensionFactory implements ExtensionFactory {

    final String name;
    final int reservedBits;
    final List<ExtensionParameters> offers;
    /** Every negotiate() call's offers, in order. */
    final List<List<ExtensionParameters>> negotiated = new ArrayList<>();
    /** Every extension created, to check they get closed. */
    final List<FakeExtension> created = new ArrayList<>();

    FakeExtensionFactory(String name, int reservedBits, ExtensionParameters... offers) {
        this.name = name;
        this.reservedBits = reservedBits;
        this.offers = List.of(offers);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<ExtensionParameters> offers() {
        return offers;
    }

    @Override
    public Extension accept(ExtensionParameters response) throws ExtensionNegotiationException {
        if (response.has("bad")) {
            throw new ExtensionNegotiationException("Unexpected parameter bad.");
        }
        return create(response);
    }

    @Override
    public Optional<Extension> negotiate(List<ExtensionParameters> offers) {
        negotiated.add(List.copyOf(offers));
        for (ExtensionParameters offer : offers) {
            if (!offer.has("decline")) {
                return Optional.of(create(offer));
            }
        }
        return Optional.empty();
    }

    private FakeExtension create(ExtensionParameters parameters) {
        FakeExtension e = new FakeExtension(name, parameters, reservedBits);
        created.add(e);
        return e;
    }

    static final class FakeExtension implements Extension {

        private final String name;
        private final ExtensionParameters parameters;
        private final int reservedBits;
        boolean closed;

        FakeExtension(String name, ExtensionParameters parameters, int reservedBits) {
            this.name = name;
            this.parameters = parameters;
            this.reservedBits = reservedBits;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ExtensionParameters parameters() {
            return parameters;
        }

        @Override
        public int reservedBits() {
            return reservedBits;
        }

        @Override
        public boolean startIncomingMessage(int rsv) {
            return false;
        }

        @Override
        public void checkContinuation(int rsv) {
        }

        @Override
        public void decode(ByteBuffer in, boolean messageEnd, PayloadSink out) {
        }

        @Override
        public ByteBuffer encode(int opcode, ByteBuffer payload) {
            return null;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
