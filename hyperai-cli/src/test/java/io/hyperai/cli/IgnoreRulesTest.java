package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgnoreRulesTest {

    private static IgnoreRules rules(String... lines) {
        return IgnoreRules.parse(List.of(lines));
    }

    @Test
    void aNameWithoutSlashMatchesAtAnyDepth() {
        IgnoreRules r = rules("*.log", "__pycache__");
        assertThat(r.ignored("train.log", false)).isTrue();
        assertThat(r.ignored("out/deep/run.log", false)).isTrue();
        assertThat(r.ignored("train.py", false)).isFalse();
        assertThat(r.ignored("src/__pycache__", true)).isTrue();
        assertThat(r.ignored("log", false)).isFalse();
    }

    @Test
    void aSlashAnchorsThePatternAtTheRoot() {
        IgnoreRules r = rules("/data", "docs/*.md");
        assertThat(r.ignored("data", true)).isTrue();
        assertThat(r.ignored("src/data", true)).isFalse();
        assertThat(r.ignored("docs/a.md", false)).isTrue();
        assertThat(r.ignored("docs/sub/a.md", false)).isFalse();
        assertThat(r.ignored("other/docs/a.md", false)).isFalse();
    }

    @Test
    void doubleStarCrossesFoldersAndSingleStarDoesNot() {
        IgnoreRules r = rules("**/checkpoints", "out/**", "a/*/c");
        assertThat(r.ignored("checkpoints", true)).isTrue();
        assertThat(r.ignored("x/y/checkpoints", true)).isTrue();
        assertThat(r.ignored("out/x/y.bin", false)).isTrue();
        assertThat(r.ignored("a/b/c", false)).isTrue();
        assertThat(r.ignored("a/b/b/c", false)).isFalse();
    }

    @Test
    void trailingSlashIsForDirectoriesOnlyAndTheLastMatchingLineWins() {
        IgnoreRules r = rules("build/", "*.bin", "!keep.bin", "# a comment", "", "weights?.pt", "[abc].txt");
        assertThat(r.ignored("build", true)).isTrue();
        assertThat(r.ignored("build", false)).isFalse();
        assertThat(r.ignored("x.bin", false)).isTrue();
        assertThat(r.ignored("keep.bin", false)).isFalse();
        assertThat(r.ignored("# a comment", false)).isFalse();
        assertThat(r.ignored("weights1.pt", false)).isTrue();
        assertThat(r.ignored("weights10.pt", false)).isFalse();
        assertThat(r.ignored("b.txt", false)).isTrue();
        assertThat(r.ignored("d.txt", false)).isFalse();
    }

    @Test
    void gitIsAlwaysLeftOut() {
        assertThat(rules().ignored(".git", true)).isTrue();
        assertThat(rules().ignored("sub/.git/config", false)).isTrue();
        assertThat(rules().ignored(".gitignore", false)).isFalse();
    }

    @Test
    void collectWalksTheFolderSkippingIgnoredFoldersAndFiles(@TempDir Path root) throws Exception {
        write(root, "main.py", "print(1)");
        write(root, "lib/util.py", "x = 1");
        write(root, "lib/util.pyc", "binary");
        write(root, "data/big.bin", "0000");
        write(root, "data/keep.bin", "1111");
        write(root, ".git/HEAD", "ref");
        write(root, IgnoreRules.FILE_NAME, "*.pyc\n/data/\n!keep.bin\n");

        List<Multipart.FilePart> files = IgnoreRules.of(root).collect(root);

        // a file inside an ignored folder stays out even if a later line re-includes its name (as in git)
        assertThat(files).extracting(Multipart.FilePart::name)
                .containsExactly(IgnoreRules.FILE_NAME, "lib/util.py", "main.py");
        assertThat(files.get(2).size()).isEqualTo(8);
    }

    private static void write(Path root, String name, String content) throws Exception {
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
