package dev.authpack.bench.james;

import java.util.List;

/**
 * The SessionAuthCheck hook (docs/SessionAuthCheck.md) in a pack server of the James benchmark
 * ({@code --session-hook}): first in the handler chain, with MailAuthCheck's serverId and DNS settings, so the checks
 * run in the SMTP session with their lookups started early and MailAuthCheck reuses the results.
 * <ul>
 *   <li>{@code none}: no hook (the sample configuration);</li>
 *   <li>{@code label}: label-only ({@code refuseDmarcReject=false}): the end of DATA does not wait, the checks are
 *       handed over to MailAuthCheck;</li>
 *   <li>{@code prefetch}: label-only with {@code handOverMaxSize=0}: the lookups start early, nothing is checked in
 *       the session, MailAuthCheck checks every mail from the spool over the answers the early lookups got;</li>
 *   <li>{@code enforce}: the hook's defaults ({@code refuseDmarcReject=true}): the end of DATA waits for the checks.</li>
 * </ul>
 * Every benchmark connection comes from 127.0.0.1, standing for many senders: the per-client and per-network bounds
 * ({@code maxWaitingPerClient}, {@code maxQueriesPerClient}, {@code maxWaitingPerNetwork},
 * {@code maxQueriesPerNetwork}) are lifted, so the figures stay those of the checks.
 * The older switch {@code BENCH_SESSION_HOOK=1} in the environment means {@code --session-hook enforce} when the
 * option is not given.
 */
final class SessionHookBench {
    static final String ENVIRONMENT = "BENCH_SESSION_HOOK";
    static final List<String> MODES = List.of("none", "label", "prefetch", "enforce");

    private SessionHookBench() {
    }

    /** The modes when {@code --session-hook} is not given. */
    static List<String> defaultModes() {
        return "1".equals(System.getenv(ENVIRONMENT)) ? List.of("enforce") : List.of("none");
    }

    /** The pack server's name for a mode: {@code pack}, {@code pack+label}, {@code pack+enforce}. */
    static String serverName(String mode) {
        return mode.equals("none") ? "pack" : "pack+" + mode;
    }

    static String withHook(String smtpserverXml, String mode) {
        if (mode.equals("none")) {
            return smtpserverXml;
        }
        String chain = "<handlerchain>";
        if (!smtpserverXml.contains(chain)) {
            throw new IllegalStateException("smtpserver.xml has no " + chain);
        }
        String refusal = switch (mode) {
            case "label" -> "<refuseDmarcReject>false</refuseDmarcReject>";
            case "prefetch" -> "<refuseDmarcReject>false</refuseDmarcReject><handOverMaxSize>0</handOverMaxSize>";
            case "enforce" -> "<refuseDmarcReject>true</refuseDmarcReject>";
            default -> throw new IllegalArgumentException("session hook mode " + mode);
        };
        return smtpserverXml.replaceFirst(chain, chain + """
                <handler class="dev.authpack.james.smtp.SessionAuthCheck">
                    <serverId>%s</serverId>
                    <dnsServers>@DNS_SERVERS@</dnsServers>
                    <dnsTimeout>@DNS_TIMEOUT@</dnsTimeout>
                    <maxWaitingPerClient>1024</maxWaitingPerClient>
                    <maxQueriesPerClient>65536</maxQueriesPerClient>
                    <maxWaitingPerNetwork>1024</maxWaitingPerNetwork>
                    <maxQueriesPerNetwork>65536</maxQueriesPerNetwork>
                    %s
                </handler>
                """.formatted(JamesEndToEnd.SERVER_ID, refusal));
    }
}
