package dev.authpack.arc;

import dev.authpack.authres.AuthResultsParser;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.AuthServIds;
import dev.authpack.authres.MethodResult;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The resinfos an ARC-Authentication-Results carries (RFC 8617 §4.1.1: "the combined authres-payload with all of
 * the authentication results from within the participating ADMD").
 */
public final class ArcAuthResults {
    /** Most resinfos put into one ARC-Authentication-Results. */
    public static final int MAX_RESINFOS = AuthResultsParser.MAX_RESULTS;

    private ArcAuthResults() {
    }

    /**
     * Consolidates the message's {@code Authentication-Results} fields whose authserv-id is {@code authservId}
     * (case-insensitive), top to bottom, as the ValiMail suite and {@code arc-seal --use-existing-auth-results}
     * expect: every resinfo of each such field, in order, joined by {@code "; "} (comments kept, folding removed,
     * {@code none} dropped), read as UTF-8 and put on one line by the rule of our Authentication-Results
     * ({@link dev.authpack.mail.WrittenText#oneLine}: controls, separators and bidi controls a space). Empty when
     * no field has that authserv-id; an empty string when they have no resinfo.
     */
    public static Optional<String> consolidate(RawMessage message, String authservId) {
        String wanted = authservId.toLowerCase(Locale.ROOT);
        List<String> resinfos = new ArrayList<>();
        boolean found = false;
        for (HeaderField field : message.fields(AuthResultsWriter.FIELD_NAME)) {
            String body = field.rawValue();
            if (body.length() > AuthResultsParser.MAX_FIELD_CHARS
                    || !AuthServIds.of(body).map(id -> id.toLowerCase(Locale.ROOT).equals(wanted)).orElse(false)) {
                continue;
            }
            found = true;
            // the octets as UTF-8 (RFC 6532): the sealer writes the resinfos as UTF-8 (session 21)
            body = ArcText.utf8(body);
            int semicolon = ArcText.topLevelSemicolon(body, 0);
            if (semicolon < 0) {
                continue;
            }
            for (String resinfo : ArcText.splitTopLevel(body.substring(semicolon + 1), MAX_RESINFOS)) {
                if (!resinfo.equalsIgnoreCase("none") && resinfos.size() < MAX_RESINFOS) {
                    resinfos.add(resinfo);
                }
            }
        }
        return found ? Optional.of(String.join("; ", resinfos)) : Optional.empty();
    }

    /** Our own results as resinfo text ({@code method=result ...; ...}), written by {@link AuthResultsWriter}. */
    public static String resinfo(List<MethodResult> results) {
        if (results.isEmpty()) {
            return "";
        }
        String value = AuthResultsWriter.headerValue("x", results);
        return String.join("; ", ArcText.splitTopLevel(value.substring(value.indexOf(';') + 1), MAX_RESINFOS));
    }

    /**
     * What a sealer records when it seals after a check of the same message: the check's results ({@code checked},
     * empty when no check ran on this message), with {@code arc} in place of the check's own {@code arc=} when
     * {@code replaceArc} (the sealer validated the chain itself, the check's validation no longer fitting the
     * message); {@code arc} is added when the check recorded none, and is the only result when no check ran.
     *
     * @param arc the resinfo of the chain validation the seal reports
     */
    public static List<MethodResult> forSeal(Optional<List<MethodResult>> checked, MethodResult arc,
                                             boolean replaceArc) {
        if (checked.isEmpty()) {
            return List.of(arc);
        }
        List<MethodResult> out = new ArrayList<>(checked.get().size() + 1);
        boolean placed = false;
        for (MethodResult r : checked.get()) {
            if (ArcResult.METHOD.equals(r.method()) && replaceArc) {
                if (!placed) {
                    out.add(arc);
                    placed = true;
                }
            } else {
                out.add(r);
                placed |= ArcResult.METHOD.equals(r.method());
            }
        }
        if (!placed) {
            out.add(arc);
        }
        return List.copyOf(out);
    }

    /** The resinfos of a resinfo text (split at top-level {@code ;}, cleaned), or {@code none} when there is none. */
    static List<String> split(String resinfo) {
        List<String> parts = ArcText.splitTopLevel(resinfo, MAX_RESINFOS);
        return parts.isEmpty() ? List.of("none") : parts;
    }
}
