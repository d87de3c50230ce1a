package dev.authpack.james;

import dev.authpack.mail.HeaderField;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A message's header fields replaced through javax.mail, its body left unread where it is: the way
 * {@link MimeMessageBytes#replaceHeaderSection} edits a message that is not James' own unchanged one. Each field
 * keeps its octets (folding included) as a raw header line; javax.mail ends each with CRLF when it writes them.
 */
final class HeaderSectionFields {
    private HeaderSectionFields() {
    }

    static void replace(MimeMessage message, byte[] header) throws MessagingException {
        RawMessage fields;
        try {
            fields = RawMessage.parse(header);
        } catch (MessageParseException e) {
            throw new MessagingException("header section not replaced: " + e.getMessage(), e);
        }
        Set<String> names = new LinkedHashSet<>();
        for (Enumeration<Header> all = message.getAllHeaders(); all.hasMoreElements(); ) {
            names.add(all.nextElement().getName());
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        for (HeaderField field : fields.fields()) {
            message.addHeaderLine(new String(field.rawBytes(), StandardCharsets.ISO_8859_1));
        }
    }
}
