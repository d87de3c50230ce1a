package dev.authpack.dmarc;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Records every question ("TXT _dmarc.example.com") before passing it on. */
final class CountingResolver implements DnsResolver {
    private final DnsResolver delegate;
    private final ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();

    CountingResolver(DnsResolver delegate) {
        this.delegate = delegate;
    }

    List<String> asked() {
        return List.copyOf(asked);
    }

    List<String> askedTxt() {
        return asked.stream().filter(q -> q.startsWith("TXT ")).map(q -> q.substring(4)).toList();
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        asked.add("TXT " + name);
        return delegate.txt(name);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        asked.add("A " + name);
        return delegate.a(name);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        asked.add("AAAA " + name);
        return delegate.aaaa(name);
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        asked.add("MX " + name);
        return delegate.mx(name);
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        asked.add("PTR " + address.getHostAddress());
        return delegate.ptr(address);
    }
}
