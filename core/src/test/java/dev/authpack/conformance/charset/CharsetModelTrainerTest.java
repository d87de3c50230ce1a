package dev.authpack.conformance.charset;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class CharsetModelTrainerTest {

    @Test
    void committedModelsAreWhatTheTrainerProducesFromTheTrainingTexts() throws Exception {
        String committed;
        try (InputStream in = new GZIPInputStream(LanguageModels.class.getResourceAsStream(LanguageModels.RESOURCE))) {
            committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(committed)
                .as("models.txt.gz is stale: run CharsetModelTrainer.main from core/")
                .isEqualTo(CharsetModelTrainer.train());
    }

    @Test
    void everyLanguageAnEncodingServesHasAModel() {
        for (String language : CharsetModelTrainer.languages()) {
            assertThat(LanguageModels.get(language).entries()).as(language).isGreaterThan(50);
        }
    }
}
