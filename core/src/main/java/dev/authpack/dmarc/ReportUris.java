package dev.authpack.dmarc;

/**
 * Syntax of DMARC reporting URIs (RFC 9989 §4.8 {@code dmarc-uri}: an RFC 3986 URI in which commas and
 * exclamation points are percent-encoded, optionally followed by the obsolete {@code !size} suffix).
 */
final class ReportUris {
    private ReportUris() {
    }

    /** The URI without any {@code !size} suffix if it is syntactically valid, else null. */
    static String valid(String text) {
        String uri = text;
        int bang = uri.indexOf('!');
        if (bang >= 0) {
            if (!isSizeSuffix(uri.substring(bang + 1))) {
                return null;
            }
            uri = uri.substring(0, bang);
        }
        int colon = uri.indexOf(':');
        if (colon < 1 || colon == uri.length() - 1 || !isScheme(uri.substring(0, colon))) {
            return null;
        }
        for (int i = colon + 1; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '%') {
                if (i + 2 >= uri.length() || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2))) {
                    return null;
                }
                i += 2;
            } else if (!isUriChar(c)) {
                return null;
            }
        }
        return uri;
    }

    /** {@code obs-dmarc-report-size = "!" 1*DIGIT [ "k" / "m" / "g" / "t" ]}. */
    private static boolean isSizeSuffix(String s) {
        int n = s.length();
        if (n > 0 && "kmgtKMGT".indexOf(s.charAt(n - 1)) >= 0) {
            n--;
        }
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986 §3.1: {@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}. */
    private static boolean isScheme(String s) {
        if (!Character.isLetter(s.charAt(0)) || s.charAt(0) > 0x7f) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986 unreserved and reserved characters, less ',' and '!' (which DMARC requires encoded). */
    private static boolean isUriChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "-._~:/?#[]@$&'()*+;=".indexOf(c) >= 0;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
