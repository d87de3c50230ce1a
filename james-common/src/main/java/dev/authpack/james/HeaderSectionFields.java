package dev.authpack.james;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A message's header fields replaced through javax.mail, its body left unread where it is: the way
 * {@link MimeMessageBytes#replaceHeaderSection} edits a message that is not James' own. Each field
 * keeps its octets (folding included) as a raw header line; javax.mail ends each with CRLF when it writes them.
 * The new header section is read back as javax.mail reads one ({@link InternetHeaders}), which takes any line: the
 * octets came from javax.mail's own writing of the message, and a reader with bounds of its own (RawMessage: a line
 * without a colon, a space in a name, more than 1000 fields) made the replacement fail, leaving the sender's fields
 * claiming our authserv-id in place (review s19).
 *
 * <p>8-bit header octets (RFC 6532 mail, SMTPUTF8) are decoded the way the message writes its header text back, so
 * that it writes the same octets: one char per octet (ISO-8859-1) for a message that writes one octet per char,
 * UTF-8 for one whose session has {@code mail.mime.allowutf8=true} (javax.mail then writes header text as UTF-8;
 * James makes its session from the system properties). Read as ISO-8859-1 and written as UTF-8, every 8-bit octet
 * became two and a DKIM signature over {@code Subject} or {@code From} failed (session 20). Octets that are not
 * UTF-8 in a message that writes UTF-8 never reach here: javax.mail decoded them to U+FFFD when it parsed the message
 * (its header lines are read as UTF-8 under {@code allowutf8}), and no string it writes as UTF-8 can give them back
 * (session 21, {@code Utf8HeaderRewriteTest}).
 */
final class HeaderSectionFields {
    /** A field name no message has: what {@link #writesUtf8} adds and takes away again. */
    private static final String PROBE = "X-Authpack-Header-Charset-Probe";
    /** U+00E9 as UTF-8: what a message that writes header text as UTF-8 writes for the probe's value. */
    private static final byte[] E_ACUTE_UTF8 = {(byte) 0xc3, (byte) 0xa9};

    private HeaderSectionFields() {
    }

    static void replace(MimeMessage message, byte[] header) throws MessagingException, IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Enumeration<Header> all = message.getAllHeaders(); all.hasMoreElements(); ) {
            names.add(all.nextElement().getName());
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        InternetHeaders fields = new InternetHeaders(new ByteArrayInputStream(header),
                eightBit(header) && writesUtf8(message));
        for (Enumeration<String> lines = fields.getAllHeaderLines(); lines.hasMoreElements(); ) {
            message.addHeaderLine(lines.nextElement());
        }
    }

    /**
     * Whether {@code message} (its fields removed) writes header text as UTF-8 ({@code mail.mime.allowutf8} of its
     * session) rather than one octet per char: a field with U+00E9 is written and taken away again.
     */
    private static boolean writesUtf8(MimeMessage message) throws MessagingException, IOException {
        message.addHeaderLine(PROBE + ": \u00e9");
        try {
            byte[] written = MimeMessageBytes.headerSection(message, 1024);
            for (int i = 0; i + 1 < written.length; i++) {
                if (written[i] == E_ACUTE_UTF8[0] && written[i + 1] == E_ACUTE_UTF8[1]) {
                    return true;
                }
            }
            return false;
        } finally {
            message.removeHeader(PROBE);
        }
    }

    private static boolean eightBit(byte[] octets) {
        for (byte b : octets) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }
}
