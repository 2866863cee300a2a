package dev.seed.websocket;

/**
 * The body of the HTTP answer that refuses an opening handshake (4xx, 5xx): what a browser's
 * developer tools and a non-browser client see of why. The status and its headers are the same
 * in every format.
 */
public enum RefusalFormat {

    /** {@code text/plain}: the reason as one line (the default). */
    TEXT,

    /**
     * {@code application/json}, as the seed answers: {@code {"status":403,"error":"Forbidden",
     * "message":"Origin not allowed."}}.
     */
    JSON
}
