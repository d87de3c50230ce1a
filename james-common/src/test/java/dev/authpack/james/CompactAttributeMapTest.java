package dev.authpack.james;

import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompactAttributeMapTest {
    private static AttributeValue<?> sample() {
        return CompactAttributeMap.builder().put("result", "pass").put("reason", (String) null)
                .put("domain", "example.com").put("lookups", AttributeValue.of(3))
                .put("result", "fail").build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, AttributeValue<?>> map(AttributeValue<?> value) {
        return (Map<String, AttributeValue<?>>) value.value();
    }

    @Test
    void keepsTheOrderOfFirstPutsLeavesOutNullsAndReplacesInPlace() {
        Map<String, AttributeValue<?>> map = map(sample());
        assertThat(map.keySet()).containsExactly("result", "domain", "lookups");
        assertThat(map.get("result")).isEqualTo(AttributeValue.of("fail"));
        assertThat(map.get("reason")).isNull();
        assertThat(map.containsKey("domain")).isTrue();
        assertThat(map.containsKey("reason")).isFalse();
        assertThat(map).hasSize(3);
        Map<String, AttributeValue<?>> same = new LinkedHashMap<>();
        same.put("result", AttributeValue.of("fail"));
        same.put("domain", AttributeValue.of("example.com"));
        same.put("lookups", AttributeValue.of(3));
        assertThat(map).isEqualTo(same);
        assertThat(map.hashCode()).isEqualTo(same.hashCode());
        assertThatThrownBy(() -> map.put("x", AttributeValue.of("y"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void growsPastItsFirstArrays() {
        CompactAttributeMap.Builder builder = CompactAttributeMap.builder();
        for (int i = 0; i < 30; i++) {
            builder.put("k" + i, "v" + i);
        }
        Map<String, AttributeValue<?>> map = map(builder.build());
        assertThat(map).hasSize(30);
        assertThat(map.get("k29")).isEqualTo(AttributeValue.of("v29"));
    }

    @Test
    void jamesCopiesAndSerializesItAsAnyMap() throws Exception {
        AttributeValue<?> value = AttributeValue.of(List.<AttributeValue<?>>of(sample()));
        assertThat(value.duplicate()).isEqualTo(value);
        String json = value.toJson().orElseThrow().toString();
        assertThat(json).contains("example.com");
        AttributeValue<?> back = AttributeValue.fromJsonString(json);
        assertThat(back).isEqualTo(value);
    }
}
