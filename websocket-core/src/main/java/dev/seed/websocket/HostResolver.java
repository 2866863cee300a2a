package dev.seed.websocket;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Finds the addresses of a host name for the client. It may block (a DNS lookup does): the client
 * calls it on threads of its own, never on an event loop, so one slow lookup stalls no open
 * connection. Literal IP addresses never reach it. Implementations are thread safe.
 */
@FunctionalInterface
public interface HostResolver {

    /** The addresses of {@code host}, the preferred first; throws when it has none. */
    InetAddress[] resolve(String host) throws UnknownHostException;

    /** The JVM's resolver ({@link InetAddress#getAllByName}), with its cache. */
    static HostResolver system() {
        return InetAddress::getAllByName;
    }
}
