package dev.authpack.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.common.reflect.ClassPath;
import com.google.inject.Guice;
import com.google.inject.Injector;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every mailet, matcher and SMTP hook of the pack that {@code conf-samples/**}{@code /*.xml} configures is made as
 * James 3.8.1 makes it (Guice, with the pack's {@link AuthpackModule}) and initialised with the sample's own
 * parameters: a sample that stops loading (a parameter renamed or newly refused, a file moved) fails the build
 * instead of an administrator's James. {@code file://conf/NAME} is {@code NAME} in the sample's own folder (where
 * the samples keep the files they name: relay-policy.conf, dkim/, arc/); the harness's placeholders get test values.
 * Nothing here talks to the network: {@code init} reads files and settings only. Made the same way, each mailet
 * and hook also has every parameter it accepts named on its docs page.
 */
class ConfSamplesLoadTest {
    private static final String PACK = "dev.authpack.james.";
    /** The placeholders of conf-samples/james (its README), as the harness fills them. */
    private static final Map<String, String> PLACEHOLDERS = Map.of("@DNS_SERVERS@", "127.0.0.1:53",
            "@DNS_TIMEOUT@", "1000", "@SMTP_BIND@", "127.0.0.1:0", "@MAIL_REPOSITORY_ROOT@", "memory://var/mail");
    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z_]+@");
    /** conf-samples has a few dozen files; the pack's elements in them are a few dozen too. */
    private static final int MAX_SAMPLES = 200;
    /** The docs page of a mailet or hook whose page is not docs/NAME.md. */
    private static final Map<String, String> DOCS_PAGES = Map.of("RelayPolicyRcptHook", "relay-policy.md",
            "FixConformanceHook", "FixConformance.md");
    /** InitParameters' refusal: {@code NAME: unknown parameter(s) [...]; accepted: [a, b, c]}. */
    private static final Pattern ACCEPTED_LIST = Pattern.compile("; accepted: \\[([^\\]]+)\\]");

    private enum Kind { MAILET, MATCHER, HOOK }

    /** One element of a sample: a mailet's parameters, a matcher's condition (or null) or a hook's XML. */
    private record Piece(Path sample, int ordinal, Kind kind, String className, Map<String, String> parameters,
                         String condition, String xml) {
        String name() {
            return ConfSamples.dir().relativize(sample) + " #" + ordinal + " " + kind.name().toLowerCase()
                    + " " + className.substring(className.lastIndexOf('.') + 1)
                    + (condition == null ? "" : "=" + condition);
        }
    }

    private final Map<Path, Injector> injectors = new HashMap<>();

    @TestFactory
    Stream<DynamicTest> everyPackElementOfEverySampleInitialises() throws Exception {
        List<Piece> pieces = pieces();
        assertThat(pieces).as("the pack's elements in conf-samples").hasSizeGreaterThan(20);
        return pieces.stream().map(piece -> dynamicTest(piece.name(), () -> {
            try {
                init(piece);
            } catch (Exception e) {
                throw new AssertionError(piece.name() + " does not load: " + e, e);
            }
        }));
    }

    @Test
    void everyMailetMatcherAndHookOfThePackHasASample() throws Exception {
        Set<String> sampled = pieces().stream().map(Piece::className).collect(Collectors.toCollection(TreeSet::new));
        Set<String> pack = packClasses().stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(pack).as("the pack's public mailets, matchers and hooks").hasSizeGreaterThanOrEqualTo(15);
        assertThat(sampled).as("configured in conf-samples").containsAll(pack);
    }

    /**
     * The docs page of every mailet and hook names (in backquotes) every parameter it accepts: the list its
     * refusal of an unknown parameter gives (InitParameters). Matchers take a condition, no parameters.
     */
    @TestFactory
    Stream<DynamicTest> everyAcceptedParameterIsOnTheDocsPage() throws Exception {
        Path docs = ConfSamples.dir().resolveSibling("docs");
        return packClasses().stream().filter(type -> !Matcher.class.isAssignableFrom(type)).map(type -> {
            String page = DOCS_PAGES.getOrDefault(type.getSimpleName(), type.getSimpleName() + ".md");
            return dynamicTest(type.getSimpleName() + " in docs/" + page, () -> {
                Set<String> accepted = accepted(type);
                assertThat(accepted).as("the parameters " + type.getSimpleName() + " accepts").isNotEmpty();
                String text = Files.readString(docs.resolve(page));
                assertThat(accepted.stream().filter(p -> !text.contains("`" + p + "`")).toList())
                        .as("accepted by " + type.getSimpleName() + " but not named in docs/" + page).isEmpty();
            });
        });
    }

    /** The parameters {@code type} accepts, as its init's refusal of an unknown one lists them. */
    private Set<String> accepted(Class<?> type) throws Exception {
        Object made = injector(ConfSamples.dir()).getInstance(type);
        String unknown = "authpackNoSuchParameter";
        Exception refused = null;
        try {
            if (made instanceof Mailet mailet) {
                mailet.init(FakeMailetConfig.builder().mailetName(type.getSimpleName())
                        .mailetContext(FakeMailContext.defaultContext()).setProperty(unknown, "1").build());
            } else {
                XMLConfiguration config = new XMLConfiguration();
                new FileHandler(config).load(new StringReader("<handler class=\"" + type.getName() + "\"><"
                        + unknown + ">1</" + unknown + "></handler>"));
                ((ProtocolHandler) made).init(config);
            }
        } catch (Exception e) {
            refused = e;
        }
        assertThat(refused).as(type.getSimpleName() + " refuses an unknown parameter").isNotNull();
        java.util.regex.Matcher list = ACCEPTED_LIST.matcher(String.valueOf(refused.getMessage()));
        assertThat(list.find()).as(refused.getMessage() + " names the unknown parameter and lists the accepted ones")
                .isTrue();
        assertThat(refused.getMessage()).contains("[" + unknown + "]");
        return new TreeSet<>(List.of(list.group(1).split(", ")));
    }

    /** The pack's public mailets, matchers and SMTP hooks. */
    private List<Class<?>> packClasses() throws Exception {
        List<Class<?>> pack = new ArrayList<>();
        for (ClassPath.ClassInfo info : ClassPath.from(getClass().getClassLoader())
                .getTopLevelClassesRecursive("dev.authpack.james")) {
            Class<?> type = info.load();
            boolean piece = Mailet.class.isAssignableFrom(type) || Matcher.class.isAssignableFrom(type)
                    || ProtocolHandler.class.isAssignableFrom(type);
            if (piece && Modifier.isPublic(type.getModifiers()) && !Modifier.isAbstract(type.getModifiers())) {
                pack.add(type);
            }
        }
        return pack;
    }

    private void init(Piece piece) throws Exception {
        assertThat(piece.xml()).as("a placeholder without a test value in " + PLACEHOLDERS.keySet())
                .doesNotContainPattern(PLACEHOLDER);
        Object made = injector(piece.sample().getParent()).getInstance(Class.forName(piece.className()));
        switch (piece.kind()) {
            case MAILET -> {
                FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(piece.className())
                        .mailetContext(FakeMailContext.defaultContext());
                piece.parameters().forEach(config::setProperty);
                Mailet mailet = (Mailet) made;
                mailet.init(config.build());
                mailet.destroy();
            }
            case MATCHER -> {
                FakeMatcherConfig.Builder config = FakeMatcherConfig.builder().matcherName(piece.className())
                        .mailetContext(FakeMailContext.defaultContext());
                if (piece.condition() != null) {
                    config.condition(piece.condition());
                }
                ((Matcher) made).init(config.build());
            }
            case HOOK -> {
                // James hands a handler its own <handler class="..."> element
                XMLConfiguration config = new XMLConfiguration();
                new FileHandler(config).load(new StringReader(piece.xml()));
                ProtocolHandler hook = (ProtocolHandler) made;
                hook.init(config);
                hook.destroy();
            }
        }
    }

    /** What James' Guice gives the pack: its module, the FileSystem, the DomainList and the metrics. */
    private Injector injector(Path conf) {
        return injectors.computeIfAbsent(conf, folder -> Guice.createInjector(new AuthpackModule(), binder -> {
            binder.bind(FileSystem.class).toInstance(FakeFileSystem.withConf(folder));
            binder.bind(DomainList.class).toInstance((DomainList) Proxy.newProxyInstance(
                    DomainList.class.getClassLoader(), new Class<?>[] {DomainList.class}, (proxy, method, args) -> {
                        throw new UnsupportedOperationException("the DomainList is not used at init: " + method);
                    }));
            binder.bind(MetricFactory.class).toInstance(new RecordingMetricFactory());
        }));
    }

    private static List<Piece> pieces() throws Exception {
        List<Path> samples;
        try (Stream<Path> files = Files.walk(ConfSamples.dir())) {
            samples = files.filter(f -> f.getFileName().toString().endsWith(".xml")).sorted().toList();
        }
        // a bound that fails loudly: a sample past it would otherwise go untested without a word
        assertThat(samples).as("conf-samples/*.xml files (raise MAX_SAMPLES)").hasSizeLessThanOrEqualTo(MAX_SAMPLES);
        List<Piece> pieces = new ArrayList<>();
        for (Path sample : samples) {
            pieces.addAll(pieces(sample));
        }
        return pieces;
    }

    /** The pack's elements of one sample (a snippet may hold several top-level elements: it is read as a list). */
    private static List<Piece> pieces(Path sample) throws Exception {
        Element root = parse(sample);
        List<Piece> pieces = new ArrayList<>();
        NodeList mailets = root.getElementsByTagName("mailet");
        for (int i = 0; i < mailets.getLength(); i++) {
            Element mailet = (Element) mailets.item(i);
            String match = mailet.getAttribute("match");
            if (match.startsWith(PACK)) {
                int equals = match.indexOf('=');
                pieces.add(new Piece(sample, pieces.size() + 1, Kind.MATCHER,
                        equals < 0 ? match : match.substring(0, equals), Map.of(),
                        equals < 0 ? null : match.substring(equals + 1), match));
            }
            if (mailet.getAttribute("class").startsWith(PACK)) {
                pieces.add(new Piece(sample, pieces.size() + 1, Kind.MAILET, mailet.getAttribute("class"),
                        parameters(mailet), null, xml(mailet)));
            }
        }
        NodeList handlers = root.getElementsByTagName("handler");
        for (int i = 0; i < handlers.getLength(); i++) {
            Element handler = (Element) handlers.item(i);
            if (handler.getAttribute("class").startsWith(PACK)) {
                pieces.add(new Piece(sample, pieces.size() + 1, Kind.HOOK, handler.getAttribute("class"), Map.of(),
                        null, xml(handler)));
            }
        }
        return pieces;
    }

    /** The sample with the placeholders filled, under a root of its own. */
    private static Element parse(Path sample) throws Exception {
        String text = Files.readString(sample).replaceFirst("^\\s*<\\?xml[^>]*\\?>", "");
        for (Map.Entry<String, String> placeholder : PLACEHOLDERS.entrySet()) {
            text = text.replace(placeholder.getKey(), placeholder.getValue());
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader("<samples>" + text + "</samples>")))
                .getDocumentElement();
    }

    /** A mailet's parameters: its child elements, as James' MailetConfigImpl reads them. */
    private static Map<String, String> parameters(Element mailet) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Node child = mailet.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element parameter) {
                parameters.put(parameter.getTagName(), parameter.getTextContent().strip());
            }
        }
        return parameters;
    }

    private static String xml(Element element) throws Exception {
        StringWriter out = new StringWriter();
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        transformer.transform(new DOMSource(element), new StreamResult(out));
        return out.toString();
    }
}
