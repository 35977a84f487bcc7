package io.fabstir.shipper.tail;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/** A glob such as {@code /var/log/fabstir/*.json} or {@code logs/**}{@code /*.json}: base folder + matcher. */
final class Glob {
    final Path base;
    final PathMatcher matcher;
    final int depth;

    Glob(String pattern) {
        Path abs = Path.of(pattern).toAbsolutePath().normalize();
        Path b = abs.getRoot();
        int i = 0;
        for (; i < abs.getNameCount(); i++) {
            String part = abs.getName(i).toString();
            if (part.matches(".*[*?\\[{].*")) {
                break;
            }
            b = b.resolve(part);
        }
        if (i == abs.getNameCount()) {
            base = abs.getParent();
            depth = 1;
        } else {
            base = b;
            depth = pattern.contains("**") ? Integer.MAX_VALUE : abs.getNameCount() - i;
        }
        String glob = abs.toString().replace("\\", "\\\\");
        matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }

    List<Path> matches() {
        if (base == null || !Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(base, depth, new FileVisitOption[0])) {
            return s.filter(p -> matcher.matches(p) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of(); // a folder vanished mid-walk; the next scan tries again
        }
    }
}
