package dev.authpack.james;

import java.nio.charset.StandardCharsets;

/**
 * Review s23 C1's message for the mailet's and the hook's tests: {@code pads} padding fields, then
 * {@code Reply-To : ceo@victim.example} (NAME_ENDS_WITH_SPACE) and a From after it; past 1,000 pads the walk of the
 * MIME tree stops before the two.
 */
public final class PastTheFieldBound {
    private PastTheFieldBound() {
    }

    public static byte[] message(int pads) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < pads; i++) {
            m.append("X-Pad: ").append(i).append("\r\n");
        }
        m.append("Reply-To : ceo@victim.example\r\nFrom: ceo@victim.example\r\nTo: b@example.org\r\nSubject: hi\r\n"
                + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n"
                + "\r\nHello.\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
