package io.hyperai.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed reference against the generated document, in a checkout made up in a temporary directory. */
class ApiReferenceTest {

    @TempDir
    Path root;
    Path module;
    Path committed;

    @BeforeEach
    void checkout() throws Exception {
        Files.writeString(root.resolve("mvnw"), "");
        module = root.resolve("thing-service");
        Files.createDirectories(module.resolve(ApiReference.GENERATED).getParent());
        Files.writeString(module.resolve(ApiReference.GENERATED), "openapi: 3.1.0\ninfo:\n  title: new\n");
        committed = root.resolve("docs/api/thing-service.yaml");
    }

    @Test
    void aMissingReferenceIsStaleAndTheMessageSaysHowToRefreshIt() {
        assertThat(ApiReference.staleness("thing-service", module, false)).hasValueSatisfying(why -> assertThat(why)
                .contains("docs/api/thing-service.yaml", "does not exist", "-pl thing-service", "-Dopenapi.update=true"));
    }

    @Test
    void aChangedDocumentNamesTheFirstDifferingLine() throws Exception {
        Files.createDirectories(committed.getParent());
        Files.writeString(committed, "openapi: 3.1.0\ninfo:\n  title: old\n");
        assertThat(ApiReference.staleness("thing-service", module, false))
                .hasValueSatisfying(why -> assertThat(why).contains("line 3 is \"title: old\", generated \"title: new\""));
    }

    @Test
    void updatingWritesTheGeneratedDocumentWhichIsThenCurrent() throws Exception {
        assertThat(ApiReference.staleness("thing-service", module, true)).isEmpty();
        assertThat(committed).hasContent("openapi: 3.1.0\ninfo:\n  title: new\n");
        assertThat(ApiReference.staleness("thing-service", module, false)).isEmpty();
    }
}
