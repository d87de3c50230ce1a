package dev.authpack.james.smtp;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;

import java.util.concurrent.CompletableFuture;

/** A test resolver for the relay hook's client-name lookups: TXT and MX questions are never answered. */
abstract class NamesOnlyDns implements DnsResolver {
    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return new CompletableFuture<>();
    }
}
