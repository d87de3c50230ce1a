package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ReturnedMessagesTest {
    /** The two regular expressions the HTML text was first built with: the plain scans must agree with them. */
    private static final Pattern LINE_END = Pattern.compile("<br\\s*/?>|</p>|</div>|</tr>", Pattern.CASE_INSENSITIVE);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private static String byRegex(String html) {
        if (html.indexOf('<') < 0 && html.indexOf('&') < 0) {
            return html;
        }
        String text = TAG.matcher(LINE_END.matcher(html).replaceAll("\n")).replaceAll("");
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ").replace("&amp;", "&");
    }

    @Test
    void htmlTextTurnsLineEndTagsIntoLinesAndDropsTheOthers() {
        assertThat(ReturnedMessages.htmlText("<p>User <b>unknown</b></P><BR />550 &lt;a@b&gt;&nbsp;x &amp;amp;"))
                .isEqualTo("User unknown\n\n550 <a@b> x &amp;");
        assertThat(ReturnedMessages.htmlText("a <br\t\n/> b </DiV>c</tr>d")).isEqualTo("a \n b \nc\nd");
        // a '<' with no '>' after it stays; a line-end tag inside an unclosed tag ends it
        assertThat(ReturnedMessages.htmlText("1 < 2 and 3")).isEqualTo("1 < 2 and 3");
        assertThat(ReturnedMessages.htmlText("x <a <br>> y")).isEqualTo("x  y");
        // only ASCII letters match case-insensitively (dotless i is not "i")
        assertThat(ReturnedMessages.htmlText("a</d\u0131v>b")).isEqualTo("ab");
    }

    @Test
    void htmlTextAgreesWithTheRegularExpressions() {
        List<String> pieces = List.of("<", ">", "/", "br", "BR", "bR", " ", "\t", "\n", "p", "P", "div", "DIV", "tr",
                "x", "&lt;", "&gt;", "&nbsp;", "&amp;", "&", "\u0131", "\u0130", "é");
        Random random = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder html = new StringBuilder();
            for (int k = random.nextInt(14); k > 0; k--) {
                html.append(pieces.get(random.nextInt(pieces.size())));
            }
            String s = html.toString();
            assertThat(ReturnedMessages.htmlText(s)).as(s).isEqualTo(byRegex(s));
        }
    }
}
