package dev.authpack.bench;

import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;

import java.util.ArrayList;
import java.util.List;

/**
 * jDKIM's key lookup answered from a {@link MemoryZone}: the TXT records at {@code selector._domainkey.domain}. A
 * new list per lookup, as jDKIM's own DNS retriever builds one; an absent name is a permanent failure, as there.
 */
public final class JdkimMemoryKeyRetriever implements PublicKeyRecordRetriever {
    private final MemoryZone zone;

    public JdkimMemoryKeyRetriever(MemoryZone zone) {
        this.zone = zone;
    }

    @Override
    public List<String> getRecords(CharSequence methodAndOptions, CharSequence selector, CharSequence token)
            throws PermFailException {
        if (!"dns/txt".equals(methodAndOptions.toString())) {
            throw new PermFailException("only dns/txt is supported: " + methodAndOptions);
        }
        List<String> records = zone.txt().get(MemoryZone.key(selector + "._domainkey." + token));
        if (records == null) {
            throw new PermFailException("no key for " + selector + "._domainkey." + token);
        }
        return new ArrayList<>(records);
    }
}
