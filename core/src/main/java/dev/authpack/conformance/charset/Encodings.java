package dev.authpack.conformance.charset;

import java.nio.charset.Charset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The 36 encodings KumoMTA's {@code check_fix_conformance} can detect, under KumoMTA's (WHATWG) labels, and a
 * {@link Charset} for each. JDK 17 has no iso-8859-10 or iso-8859-14 and its Mac charsets are older revisions,
 * so those four use {@link SingleByteTables}. Where WHATWG's decoder is a superset of the JDK charset of the same
 * name, the superset is used: euc-kr decodes as windows-949 (UHC), shift_jis as windows-31j, windows-874 as
 * x-windows-874.
 */
public final class Encodings {

    private static final Map<String, Charset> CHARSETS = build();

    /**
     * The 36 labels, lower case, in the order the detector prefers when two encodings decode a text identically
     * (most widely used first).
     */
    public static final Set<String> SUPPORTED = Collections.unmodifiableSet(new LinkedHashSet<>(CHARSETS.keySet()));

    private Encodings() {
    }

    /**
     * The charset decoding {@code label} (case-insensitive).
     *
     * @throws IllegalArgumentException if the label is not one of {@link #SUPPORTED}; the message lists them
     */
    public static Charset charsetFor(String label) {
        Charset charset = label == null ? null : CHARSETS.get(label.trim().toLowerCase(Locale.ROOT));
        if (charset == null) {
            throw new IllegalArgumentException("unknown encoding label '" + label + "'; accepted labels: "
                    + String.join(", ", SUPPORTED));
        }
        return charset;
    }

    /** The label lower-cased and checked; the same exception as {@link #charsetFor(String)} when unknown. */
    static String canonicalLabel(String label) {
        charsetFor(label);
        return label.trim().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Charset> build() {
        Map<String, Charset> m = new LinkedHashMap<>();
        m.put("utf-8", Charset.forName("UTF-8"));
        m.put("windows-1252", Charset.forName("windows-1252"));
        m.put("iso-8859-15", Charset.forName("ISO-8859-15"));
        m.put("windows-1250", Charset.forName("windows-1250"));
        m.put("iso-8859-2", Charset.forName("ISO-8859-2"));
        m.put("windows-1251", Charset.forName("windows-1251"));
        m.put("koi8-r", Charset.forName("KOI8-R"));
        m.put("koi8-u", Charset.forName("KOI8-U"));
        m.put("iso-8859-5", Charset.forName("ISO-8859-5"));
        m.put("x-mac-cyrillic", new SingleByteCharset("x-mac-cyrillic", new String[0],
                SingleByteTables.X_MAC_CYRILLIC));
        m.put("windows-1253", Charset.forName("windows-1253"));
        m.put("iso-8859-7", Charset.forName("ISO-8859-7"));
        m.put("windows-1254", Charset.forName("windows-1254"));
        m.put("windows-1257", Charset.forName("windows-1257"));
        m.put("iso-8859-13", Charset.forName("ISO-8859-13"));
        m.put("iso-8859-4", Charset.forName("ISO-8859-4"));
        m.put("windows-1255", Charset.forName("windows-1255"));
        m.put("iso-8859-8", Charset.forName("ISO-8859-8"));
        m.put("windows-1256", Charset.forName("windows-1256"));
        m.put("iso-8859-6", Charset.forName("ISO-8859-6"));
        m.put("windows-874", Charset.forName("x-windows-874"));
        m.put("windows-1258", Charset.forName("windows-1258"));
        m.put("iso-8859-16", Charset.forName("ISO-8859-16"));
        m.put("iso-8859-3", Charset.forName("ISO-8859-3"));
        m.put("iso-8859-10", new SingleByteCharset("iso-8859-10", new String[] {"latin6"},
                SingleByteTables.ISO_8859_10));
        m.put("iso-8859-14", new SingleByteCharset("iso-8859-14", new String[] {"latin8"},
                SingleByteTables.ISO_8859_14));
        m.put("macintosh", new SingleByteCharset("macintosh", new String[] {"mac"}, SingleByteTables.MACINTOSH));
        m.put("gbk", Charset.forName("GBK"));
        m.put("gb18030", Charset.forName("GB18030"));
        m.put("big5", Charset.forName("Big5"));
        m.put("shift_jis", Charset.forName("windows-31j"));
        m.put("euc-jp", Charset.forName("EUC-JP"));
        m.put("iso-2022-jp", Charset.forName("ISO-2022-JP"));
        m.put("euc-kr", Charset.forName("x-windows-949"));
        m.put("utf-16le", Charset.forName("UTF-16LE"));
        m.put("utf-16be", Charset.forName("UTF-16BE"));
        return Collections.unmodifiableMap(m);
    }
}
