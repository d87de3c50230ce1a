package dev.authpack.james;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A message's header fields replaced through javax.mail, its body left unread where it is: the way
 * {@link MimeMessageBytes#replaceHeaderSection} edits a message that is not James' own unchanged one. Each field
 * keeps its octets (folding included) as a raw header line; javax.mail ends each with CRLF when it writes them.
 * The new header section is read back as javax.mail reads one ({@link InternetHeaders}), which takes any line: the
 * octets came from javax.mail's own writing of the message, and a reader with bounds of its own (RawMessage: a line
 * without a colon, a space in a name, more than 1000 fields) made the replacement fail, leaving the sender's fields
 * claiming our authserv-id in place (review s19).
 */
final class HeaderSectionFields {
    private HeaderSectionFields() {
    }

    static void replace(MimeMessage message, byte[] header) throws MessagingException {
        // ISO-8859-1, one char per octet, as javax.mail reads a header section without mail.mime.allowutf8
        InternetHeaders fields = new InternetHeaders(new ByteArrayInputStream(header), false);
        Set<String> names = new LinkedHashSet<>();
        for (Enumeration<Header> all = message.getAllHeaders(); all.hasMoreElements(); ) {
            names.add(all.nextElement().getName());
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        for (Enumeration<String> lines = fields.getAllHeaderLines(); lines.hasMoreElements(); ) {
            message.addHeaderLine(lines.nextElement());
        }
    }
}
