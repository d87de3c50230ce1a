package dev.authpack.it;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The HAProxy PROXY protocol header a load balancer sends before the client's first octet
 * (https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt), for tests of a James with
 * {@code <proxyRequired>true</proxyRequired>}: version 1 (one text line) and version 2 (binary), the command PROXY
 * over TCP, IPv4 or IPv6. The claimed source is what James then reports as the client
 * ({@code session.getRemoteAddress()}, {@code Mail.getRemoteAddr()}); the TCP peer is the proxy.
 */
public final class ProxyHeader {
    /** Version 2's 12-octet signature (section 2.2). */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int DESTINATION_PORT = 25;

    private ProxyHeader() {
    }

    /** {@code PROXY TCP4|TCP6 <source> <destination> <sport> 25\r\n}; the destination is the family's loopback. */
    public static byte[] v1(String source, int sourcePort) {
        InetAddress from = literal(source);
        boolean v4 = from instanceof Inet4Address;
        String line = "PROXY " + (v4 ? "TCP4 " : "TCP6 ") + source + " " + (v4 ? "127.0.0.1" : "::1") + " "
                + sourcePort + " " + DESTINATION_PORT + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /** A version 1 line as given, for malformed or UNKNOWN headers. */
    public static byte[] v1Line(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Version 2, command PROXY (0x21), TCP over IPv4 (0x11) or IPv6 (0x21), no TLVs (section 2.2). */
    public static byte[] v2(String source, int sourcePort) {
        InetAddress from = literal(source);
        boolean v4 = from instanceof Inet4Address;
        InetAddress to = literal(v4 ? "127.0.0.1" : "::1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(0x21);
        out.write(v4 ? 0x11 : 0x21);
        int length = v4 ? 12 : 36;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(from.getAddress());
        out.writeBytes(to.getAddress());
        out.write(sourcePort >> 8);
        out.write(sourcePort & 0xFF);
        out.write(DESTINATION_PORT >> 8);
        out.write(DESTINATION_PORT & 0xFF);
        return out.toByteArray();
    }

    /** For transcripts: the text line of version 1, or "v2" and the length. */
    static String describe(byte[] header) {
        if (header.length >= V2_SIGNATURE.length && header[0] == V2_SIGNATURE[0] && header[4] == 0) {
            return "PROXY v2, " + header.length + " octets";
        }
        return new String(header, StandardCharsets.US_ASCII).strip();
    }

    private static InetAddress literal(String address) {
        if (address.isEmpty() || !(address.indexOf(':') >= 0 || Character.isDigit(address.charAt(0)))) {
            throw new IllegalArgumentException("not an address literal: " + address);
        }
        try {
            InetAddress a = InetAddress.getByName(address);
            if (!(a instanceof Inet4Address || a instanceof Inet6Address)) {
                throw new IllegalArgumentException(address);
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + address, e);
        }
    }
}
