package dev.authpack.dmarc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DmarcRecordCacheTest {

    @Test
    void aRecordSeenBeforeIsTheSameParseAsTheParsersOwn() {
        DmarcRecordCache cache = new DmarcRecordCache(4096);
        String txt = "v=DMARC1; p=reject; sp=quarantine; adkim=s; rua=mailto:d@example.com; pct=50; x=y";
        DmarcRecord first = cache.parse(txt);
        assertThat(first).isEqualTo(DmarcRecordParser.parse(txt, 4096));
        assertThat(cache.parse(txt)).isSameAs(first);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aRecordOverTheLengthBoundIsNotParsedAndNotKept() {
        DmarcRecordCache cache = new DmarcRecordCache(40);
        String txt = "v=DMARC1; p=reject; rua=mailto:someone@example.com";
        assertThat(cache.parse(txt)).isEqualTo(DmarcRecordParser.parse(txt, 40));
        assertThat(cache.parse(txt).isInvalid("p")).isTrue();
        assertThat(cache.size()).isZero();
    }

    @Test
    void theCacheIsBoundedInEntries() {
        DmarcRecordCache cache = new DmarcRecordCache(4096);
        for (int i = 0; i < DmarcRecordCache.MAX_ENTRIES + 10; i++) {
            String txt = "v=DMARC1; p=none; rua=mailto:r" + i + "@example.com";
            assertThat(cache.parse(txt).rua()).containsExactly("mailto:r" + i + "@example.com");
            assertThat(cache.size()).isLessThanOrEqualTo(DmarcRecordCache.MAX_ENTRIES);
        }
    }
}
