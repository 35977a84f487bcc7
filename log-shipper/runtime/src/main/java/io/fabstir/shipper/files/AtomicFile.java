package io.fabstir.shipper.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that a crash at any instant leaves the old content or the new, never a torn one: the
 * bytes go to {@code <name>.tmp} beside it, are fsynced, renamed over the file atomically, and the directory is
 * fsynced so the rename itself survives a power loss. For checkpoints and cursors.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /**
     * @throws IOException also when the directory's file system cannot rename atomically (the message names it):
     *                     a position file written any other way could be torn by a crash
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.createDirectories(target.getParent());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("directory does not support atomic rename: " + target.getParent(), e);
        }
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be fsynced; the rename is atomic all the same.
        }
    }
}
