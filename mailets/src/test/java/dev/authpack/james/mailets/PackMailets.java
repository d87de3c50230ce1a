package dev.authpack.james.mailets;

import dev.authpack.james.AuthpackEngines;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;

import javax.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every mailet of the pack, initialised as the sample configuration has them (serverId mx.test), over a loopback
 * DNS server with {@link MailAuthCheckTest#ZONE} and a fresh RSA key for DkimSign and ArcSeal (example.com, s1).
 */
final class PackMailets implements AutoCloseable {
    final Path key;
    final LoopbackDnsServer dns;

    private PackMailets(Path key, LoopbackDnsServer dns) {
        this.key = key;
        this.dns = dns;
    }

    /** A new key in {@code dir}, and the DNS server started. */
    static PackMailets start(Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        return new PackMailets(key, LoopbackDnsServer.start(MailAuthCheckTest.ZONE));
    }

    /** {@code mailet} initialised with {@code parameters} (name, value, ...). */
    static <M extends Mailet> M init(M mailet, String name, String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(name)
                .mailetContext(FakeMailContext.defaultContext());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    /** The mailets by name; FixConformance with {@code fixConformance} (name, value, ...). */
    Map<String, Mailet> all(String... fixConformance) throws MessagingException {
        Map<String, Mailet> mailets = new LinkedHashMap<>();
        mailets.put("MailAuthCheck", MailAuthCheckTest.mailet(dns, Map.of()));
        mailets.put("AddAuthResults", init(new AddAuthResults(), "AddAuthResults", "serverId", "mx.test"));
        mailets.put("DkimSign", dkimSign(key));
        mailets.put("ArcSeal", arcSeal(key));
        mailets.put("FixConformance", init(new FixConformance(), "FixConformance", fixConformance));
        mailets.put("LogReport", init(new LogReport(), "LogReport"));
        return mailets;
    }

    static DkimSign dkimSign(Path key) throws MessagingException {
        // the test mails' client (192.0.2.1) is ours to sign for (review s22: a stranger's mail is not signed)
        return init(new DkimSign(), "DkimSign", "domain", "example.com", "selector", "s1", "privateKey",
                key.toString(), "signNetworks", "192.0.2.0/24");
    }

    ArcSeal arcSeal(Path key) throws MessagingException {
        return init(new ArcSeal(new AuthpackEngines(), Optional.empty()), "ArcSeal", "domain", "example.com",
                "selector", "s1", "privateKey", key.toString(), "authservId", "mx.test", "dnsServers", dns.address(),
                "dnsTimeout", "1000");
    }

    @Override
    public void close() {
        dns.close();
    }
}
