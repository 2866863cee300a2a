package dev.seed.websocket.servlet;

import dev.seed.websocket.HostedUpgrades;
import java.net.InetSocketAddress;

/**
 * What an upgrade handler needs from the filter before the container hands it the connection:
 * the server's accepted answer (its loop, {@code open}, {@code abandon}) and the request's
 * addresses as the upgrade counted them (a forwarded client address included) and whether it came
 * over TLS.
 */
record AcceptedUpgrade(HostedUpgrades.Answer answer, InetSocketAddress remote, InetSocketAddress local,
        boolean secure) {
}
