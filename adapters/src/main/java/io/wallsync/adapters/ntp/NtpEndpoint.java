package io.wallsync.adapters.ntp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where a domain's wallclock is served: {@code DOMAIN@ADDR:PORT} on the command line ({@code
 * --ntp}), with {@code DOMAIN} defaulting to {@code host}; {@code ADDR} is an IPv4 address, a
 * bracketed IPv6 address ({@code [::1]:123}) or a host name resolved once at start.
 *
 * @param domain the domain whose wallclock is served
 * @param address the socket address to bind
 */
public record NtpEndpoint(String domain, InetSocketAddress address) {
    public static final String HOST_DOMAIN = "host";

    public NtpEndpoint {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(address, "address");
    }

    /** The default: the host domain on 127.0.0.1:{@value NtpServer#DEFAULT_PORT}. */
    public static NtpEndpoint defaultEndpoint() {
        return new NtpEndpoint(
                HOST_DOMAIN, new InetSocketAddress(InetAddress.getLoopbackAddress(), NtpServer.DEFAULT_PORT));
    }

    /**
     * Parses {@code [DOMAIN@]ADDR:PORT}.
     *
     * @throws IllegalArgumentException naming what is wrong and the expected form
     */
    public static NtpEndpoint parse(String text) {
        String form = "expected [DOMAIN@]ADDR:PORT, e.g. host@127.0.0.1:11123 or [::1]:123";
        String domain = HOST_DOMAIN;
        String rest = text;
        int at = text.indexOf('@');
        if (at >= 0) {
            domain = text.substring(0, at);
            rest = text.substring(at + 1);
            if (domain.isEmpty()) {
                throw new IllegalArgumentException("NTP endpoint '" + text + "': empty domain; " + form);
            }
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("NTP endpoint '" + text + "': no port; " + form);
        }
        String host = rest.substring(0, colon);
        String portText = rest.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("NTP endpoint '" + text + "': put an IPv6 address in brackets; " + form);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "NTP endpoint '" + text + "': port '" + portText + "' is not a number; " + form);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("NTP endpoint '" + text + "': port " + port + " outside 0..65535");
        }
        try {
            return new NtpEndpoint(domain, new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("NTP endpoint '" + text + "': unknown address '" + host + "'");
        }
    }

    /**
     * A reference id as written by a user: a dotted IPv4 address (the upstream server, for stratum 2
     * and above) or 1-4 ASCII letters/digits (a stratum 1 source such as GPS or PPS, left-justified
     * and zero-filled as RFC 5905 section 7.3 says).
     */
    public static int parseReferenceId(String text) {
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            int id = 0;
            for (String part : text.split("\\.")) {
                int octet = Integer.parseInt(part);
                if (octet > 255) {
                    throw new IllegalArgumentException("reference id '" + text + "': octet " + octet + " > 255");
                }
                id = (id << 8) | octet;
            }
            return id;
        }
        if (text.matches("[A-Za-z0-9]{1,4}")) {
            int id = 0;
            for (int i = 0; i < 4; i++) {
                id = (id << 8) | (i < text.length() ? text.charAt(i) : 0);
            }
            return id;
        }
        throw new IllegalArgumentException("reference id '" + text
                + "': expected an IPv4 address (a.b.c.d) or 1-4 ASCII letters/digits (GPS, PPS)");
    }

    /** A reference id for humans: dotted quad, or the ASCII code when all bytes print. */
    public static String formatReferenceId(int id) {
        return ((id >>> 24) & 0xFF) + "." + ((id >>> 16) & 0xFF) + "." + ((id >>> 8) & 0xFF) + "." + (id & 0xFF);
    }
}
