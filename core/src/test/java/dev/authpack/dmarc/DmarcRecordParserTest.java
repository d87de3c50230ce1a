package dev.authpack.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DmarcRecordParserTest {

    private static DmarcRecord parse(String txt) {
        assertThat(DmarcRecordParser.isDmarcRecord(txt)).as("is a DMARC record: %s", txt).isTrue();
        return DmarcRecordParser.parse(txt, DmarcOptions.DEFAULT_MAX_RECORD_LENGTH);
    }

    @Test
    void recognisesOnlyRecordsWhoseFirstTagIsVersionDmarc1() {
        assertThat(DmarcRecordParser.isDmarcRecord("v=DMARC1; p=none")).isTrue();
        assertThat(DmarcRecordParser.isDmarcRecord("v=DMARC1")).isTrue();
        assertThat(DmarcRecordParser.isDmarcRecord("v = DMARC1 ;p=reject")).isTrue();
        assertThat(DmarcRecordParser.isDmarcRecord(" \tv=DMARC1;")).isTrue();
        // the version value is case-sensitive (%s"DMARC1"), and must be the first tag
        assertThat(DmarcRecordParser.isDmarcRecord("v=dmarc1; p=none")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("p=none; v=DMARC1")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("v=DMARC2; p=none")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("v=DMARC1 p=none")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("v=DMARC10; p=none")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("v=spf1 -all")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("=DMARC1")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("v=;DMARC1")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("v==DMARC1")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("vv=DMARC1")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("v=DMARC1=x; p=none")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("x; v=DMARC1")).isFalse();
        assertThat(DmarcRecordParser.isDmarcRecord("v=\tDMARC1\t;")).isTrue();
        assertThat(DmarcRecordParser.isDmarcRecord("v=DMARC1\r; p=none")).isFalse();
    }

    @Test
    void fullRecordWithEveryTag() {
        DmarcRecord r = parse("v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=s; pct=25; t=y; "
                + "psd=n; fo=1:d:s; rua=mailto:agg@example.com,mailto:agg@example.net!10m; "
                + "ruf=mailto:fail@example.com; rf=afrf; ri=3600");
        assertThat(r.p()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.sp()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(r.np()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.adkim()).isEqualTo(AlignmentMode.STRICT);
        assertThat(r.aspf()).isEqualTo(AlignmentMode.STRICT);
        assertThat(r.pct()).isEqualTo(25);
        assertThat(r.testMode()).isTrue();
        assertThat(r.psd()).isEqualTo(PsdFlag.NO);
        assertThat(r.fo()).isEqualTo("1:d:s");
        assertThat(r.rua()).containsExactly("mailto:agg@example.com", "mailto:agg@example.net");
        assertThat(r.ruf()).containsExactly("mailto:fail@example.com");
        assertThat(r.rf()).isEqualTo("afrf");
        assertThat(r.ri()).isEqualTo(3600);
        assertThat(r.invalidTags()).isEmpty();
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void defaults() {
        DmarcRecord r = parse("v=DMARC1");
        assertThat(r.p()).isNull();
        assertThat(r.sp()).isNull();
        assertThat(r.np()).isNull();
        assertThat(r.adkim()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(r.aspf()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(r.pct()).isEqualTo(100);
        assertThat(r.testMode()).isFalse();
        assertThat(r.psd()).isEqualTo(PsdFlag.UNKNOWN);
        assertThat(r.fo()).isEqualTo("0");
        assertThat(r.rua()).isEmpty();
        assertThat(r.rf()).isEqualTo("afrf");
        assertThat(r.ri()).isEqualTo(86400);
        assertThat(r.invalidTags()).isEmpty();
    }

    @Test
    void whitespaceAroundSeparatorsAndEqualsAndCaseOfNamesAndValues() {
        DmarcRecord r = parse("v=DMARC1 ;  P = Reject\t;SP=NONE ; ADKIM=S;");
        assertThat(r.p()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.sp()).isEqualTo(DmarcPolicy.NONE);
        assertThat(r.adkim()).isEqualTo(AlignmentMode.STRICT);
        assertThat(r.invalidTags()).isEmpty();
    }

    @Test
    void unknownTagsAreIgnored() {
        DmarcRecord r = parse("v=DMARC1; p=quarantine; foo=bar; x=1");
        assertThat(r.p()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(r.invalidTags()).isEmpty();
        assertThat(r.problems()).containsExactly("unknown tag ignored: foo", "unknown tag ignored: x");
    }

    @Test
    void invalidPolicyValuesAreMarkedInvalid() {
        DmarcRecord r = parse("v=DMARC1; p=block; sp=; np=maybe; rua=mailto:a@example.com");
        assertThat(r.p()).isNull();
        assertThat(r.sp()).isNull();
        assertThat(r.np()).isNull();
        assertThat(r.invalidTags()).containsExactlyInAnyOrder("p", "sp", "np");
        assertThat(r.rua()).containsExactly("mailto:a@example.com");
    }

    @Test
    void invalidOptionalValuesFallBackToTheirDefaults() {
        DmarcRecord r = parse("v=DMARC1; p=none; adkim=x; aspf=relaxed; pct=101; t=maybe; psd=q; fo=0:1; "
                + "ri=-5; rf=a f");
        assertThat(r.adkim()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(r.aspf()).isEqualTo(AlignmentMode.RELAXED);
        assertThat(r.pct()).isEqualTo(100);
        assertThat(r.testMode()).isFalse();
        assertThat(r.psd()).isEqualTo(PsdFlag.UNKNOWN);
        assertThat(r.fo()).isEqualTo("0");
        assertThat(r.ri()).isEqualTo(86400);
        assertThat(r.rf()).isEqualTo("afrf");
        assertThat(r.invalidTags()).containsExactlyInAnyOrder("adkim", "aspf", "pct", "t", "psd", "fo", "ri", "rf");
        assertThat(r.p()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void pctBounds() {
        assertThat(parse("v=DMARC1; p=reject; pct=0").pct()).isZero();
        assertThat(parse("v=DMARC1; p=reject; pct=100").pct()).isEqualTo(100);
        assertThat(parse("v=DMARC1; p=reject; pct=007").pct()).isEqualTo(7);
        assertThat(parse("v=DMARC1; p=reject; pct=50.5").isInvalid("pct")).isTrue();
        assertThat(parse("v=DMARC1; p=reject; pct=1000").isInvalid("pct")).isTrue();
    }

    @Test
    void aDuplicatedTagIsInvalid() {
        DmarcRecord r = parse("v=DMARC1; p=none; p=reject");
        assertThat(r.p()).isNull();
        assertThat(r.isInvalid("p")).isTrue();
        DmarcRecord twice = parse("v=DMARC1; p=reject; adkim=s; adkim=s");
        assertThat(twice.p()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(twice.adkim()).isEqualTo(AlignmentMode.RELAXED);
    }

    @Test
    void reportUrisKeepOnlyValidOnes() {
        DmarcRecord r = parse("v=DMARC1; p=none; rua=mailto:a@example.com, not a uri ,https://r.example/x?y=1,"
                + "mailto:b@example.com!5k, :nothing, mailto:c%2C@example.com, mailto:d@example.com!big");
        assertThat(r.rua()).containsExactly("mailto:a@example.com", "https://r.example/x?y=1",
                "mailto:b@example.com", "mailto:c%2C@example.com");
        assertThat(r.problems()).hasSize(3);
    }

    @Test
    void reportUriCountIsBounded() {
        StringBuilder sb = new StringBuilder("v=DMARC1; p=none; rua=");
        for (int i = 0; i < 30; i++) {
            sb.append(i == 0 ? "" : ",").append("mailto:r").append(i).append("@example.com");
        }
        assertThat(parse(sb.toString()).rua()).hasSize(DmarcRecordParser.MAX_REPORT_URIS);
    }

    @Test
    void nonAsciiOrControlCharactersMakeTheTagInvalid() {
        DmarcRecord r = parse("v=DMARC1; p=reject\u0001; sp=r\u00e9ject");
        assertThat(r.invalidTags()).containsExactlyInAnyOrder("p", "sp");
    }

    @Test
    void malformedTagsAreIgnored() {
        DmarcRecord r = parse("v=DMARC1; p=reject; justtext; 1x=2; ;");
        assertThat(r.p()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.invalidTags()).isEmpty();
        assertThat(r.problems()).hasSize(3);
    }

    @Test
    void anOverlongRecordIsNotParsedAndHasNoUsablePolicy() {
        String txt = "v=DMARC1; p=none; rua=mailto:a@example.com; " + "x=".repeat(100);
        DmarcRecord r = DmarcRecordParser.parse(txt, 64);
        assertThat(r.isInvalid("p")).isTrue();
        assertThat(r.rua()).isEmpty();
        assertThat(r.problems()).singleElement().asString().contains("longer than 64");
    }

    @Test
    void tagsInAnyOrderAfterTheVersion() {
        DmarcRecord r = parse("v=DMARC1; rua=mailto:a@example.com; sp=none; p=quarantine");
        assertThat(r.p()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(r.sp()).isEqualTo(DmarcPolicy.NONE);
    }
}
