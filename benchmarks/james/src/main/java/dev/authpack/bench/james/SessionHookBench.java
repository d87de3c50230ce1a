package dev.authpack.bench.james;

/**
 * The SessionAuthCheck hook (docs/enforcement.md) in the pack server of the James benchmark, when the environment
 * has {@code BENCH_SESSION_HOOK=1}: first in the handler chain, with MailAuthCheck's serverId and DNS settings, so
 * the checks run in the SMTP session with their lookups started early and MailAuthCheck reuses the results.
 */
final class SessionHookBench {
    static final String ENVIRONMENT = "BENCH_SESSION_HOOK";

    private SessionHookBench() {
    }

    static boolean wanted() {
        return "1".equals(System.getenv(ENVIRONMENT));
    }

    static String withHook(String smtpserverXml) {
        String chain = "<handlerchain>";
        if (!smtpserverXml.contains(chain)) {
            throw new IllegalStateException("smtpserver.xml has no " + chain);
        }
        return smtpserverXml.replaceFirst(chain, chain + """
                <handler class="dev.authpack.james.smtp.SessionAuthCheck">
                    <serverId>%s</serverId>
                    <dnsServers>@DNS_SERVERS@</dnsServers>
                    <dnsTimeout>@DNS_TIMEOUT@</dnsTimeout>
                </handler>
                """.formatted(JamesEndToEnd.SERVER_ID));
    }
}
