package dev.authpack.dkim;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authpack.fuzz.FuzzInput;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import java.nio.charset.StandardCharsets;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link DkimSignature#parse} on a {@code DKIM-Signature} field with an arbitrary value.
 *
 * <p>Allowed: {@link InvalidSignatureException} (and {@link MessageParseException} when the bytes do not even make a
 * header field). Invariants of an accepted signature: the required tags were there (algorithm, domain, selector,
 * signed headers including From, a signature and a body hash), {@code l=} is not negative.
 */
class DkimSignatureFuzzTest {
    private static final byte[] NAME = "DKIM-Signature:".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest
    void parse(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] message = new byte[NAME.length + data.length + 4];
        System.arraycopy(NAME, 0, message, 0, NAME.length);
        System.arraycopy(data, 0, message, NAME.length, data.length);
        System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, message, NAME.length + data.length, 4);
        HeaderField field;
        try {
            RawMessage parsed = RawMessage.parse(message);
            if (parsed.fields().size() != 1) {
                return;                 // the value held a line break that started another field
            }
            field = parsed.fields().get(0);
        } catch (MessageParseException e) {
            return;
        }
        DkimSignature signature;
        try {
            signature = DkimSignature.parse(field);
        } catch (InvalidSignatureException e) {
            return;
        }
        String text = FuzzInput.text(data);
        check(signature.algorithm() != null, "no algorithm", text);
        check(signature.domain() != null && !signature.domain().isEmpty(), "no domain", text);
        check(signature.selector() != null && !signature.selector().isEmpty(), "no selector", text);
        check(signature.signedHeaders().stream().anyMatch(h -> h.equalsIgnoreCase("from")), "From not signed", text);
        check(signature.signature() != null && signature.bodyHash() != null, "no b= or bh=", text);
        check(signature.bodyLength() >= -1, "negative l=", text);
        check(signature.keyName() != null, "no key name", text);
    }
}
