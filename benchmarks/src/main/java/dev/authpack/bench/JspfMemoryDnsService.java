package dev.authpack.bench;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * jSPF's DNS service answered from a {@link MemoryZone}: the warm-cache case for jSPF. Answers are converted
 * once, up front, into the string form jSPF's own dnsjava adapter produces (addresses as literals, MX targets
 * with a trailing dot), and a name with no record of the type answers {@code null}, as that adapter does.
 * Each answer is handed out as a fresh mutable list because jSPF edits the lists it gets (MXMechanism removes
 * entries); its own adapter also builds a new list per lookup.
 */
public final class JspfMemoryDnsService implements DNSService {

    private final Map<String, List<String>> txt;
    private final Map<String, List<String>> a;
    private final Map<String, List<String>> aaaa;
    private final Map<String, List<String>> mx;

    public JspfMemoryDnsService(MemoryZone zone) {
        this.txt = answers(zone.txt(), List::copyOf);
        this.a = answers(zone.a(), JspfMemoryDnsService::literals);
        this.aaaa = answers(zone.aaaa(), JspfMemoryDnsService::literals);
        this.mx = answers(zone.mx(), hosts -> hosts.stream().map(host -> host.exchange() + ".").toList());
    }

    @Override
    public List<String> getRecords(DNSRequest request) {
        Map<String, List<String>> table = switch (request.getRecordType()) {
            case DNSRequest.TXT -> txt;
            case DNSRequest.A -> a;
            case DNSRequest.AAAA -> aaaa;
            case DNSRequest.MX -> mx;
            default -> Map.of(); // SPF (type 99) and PTR: none in any scenario
        };
        String name = request.getHostname();
        List<String> records = table.get(name);
        if (records == null) {
            records = table.get(MemoryZone.key(name));
        }
        return records == null ? null : new ArrayList<>(records);
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        return CompletableFuture.completedFuture(getRecords(request));
    }

    @Override
    public List<String> getLocalDomainNames() {
        return List.of("localhost");
    }

    @Override
    public void setTimeOut(int timeOut) {
        // answers are immediate
    }

    @Override
    public int getRecordLimit() {
        return 10; // jSPF's default for its dnsjava adapter
    }

    @Override
    public void setRecordLimit(int recordLimit) {
        // fixed
    }

    private static <T> Map<String, List<String>> answers(Map<String, List<T>> records,
                                                         Function<List<T>, List<String>> convert) {
        Map<String, List<String>> result = new HashMap<>();
        records.forEach((name, list) -> result.put(name, convert.apply(list)));
        return Map.copyOf(result);
    }

    private static List<String> literals(List<InetAddress> addresses) {
        return addresses.stream().map(InetAddress::getHostAddress).toList();
    }
}
