package dev.authpack.spf;

import java.util.List;

/**
 * A parsed SPF record.
 *
 * @param directives the directives, in order
 * @param redirect   the {@code redirect=} domain-spec, or null
 * @param exp        the {@code exp=} domain-spec, or null
 */
record SpfRecord(List<Directive> directives, MacroString redirect, MacroString exp) {
    SpfRecord {
        directives = List.copyOf(directives);
    }
}
