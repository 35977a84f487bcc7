package io.fabstir.shipper.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The modes of the files the shipper and the chain monitor write, set on purpose rather than left to the umask:
 * positions (checkpoints, the block cursor) are the process's own, {@code 0600} in folders it creates {@code 0700};
 * records it writes for {@code tail} to ship (the chain monitor's event log) are a log like the node's, {@code 0640}
 * (the edge shipper reads them as the owner or in its group) in folders it creates {@code 0750}. Folders that exist
 * are left as they are. Where the file system has no POSIX modes, files and folders are created plainly.
 */
public final class FileModes {
    /** A position file: read and written by its owner only. */
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> PRIVATE_FOLDER = PosixFilePermissions.fromString("rwx------");
    /** A log file: its owner writes, the owner's group (the edge shipper) reads. */
    public static final Set<PosixFilePermission> LOG_FILE = PosixFilePermissions.fromString("rw-r-----");
    public static final Set<PosixFilePermission> LOG_FOLDER = PosixFilePermissions.fromString("rwxr-x---");

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private FileModes() {
    }

    /** The attribute that creates a file or folder with {@code mode} (none where modes are not supported). */
    public static FileAttribute<?>[] creating(Set<PosixFilePermission> mode) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    /**
     * Creates {@code folder} and its missing parents with {@code mode} exactly (a restrictive umask is not allowed to
     * take the group's access away, nor a loose one to add others'); folders that exist stay as they are.
     */
    public static void createFolders(Path folder, Set<PosixFilePermission> mode) throws IOException {
        Path f = folder.toAbsolutePath();
        if (Files.isDirectory(f)) {
            return;
        }
        Path parent = f.getParent();
        if (parent != null) {
            createFolders(parent, mode);
        }
        try {
            Files.createDirectory(f, creating(mode));
            set(f, mode);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(f)) {
                throw e;
            }
        }
    }

    /** Sets {@code mode} on an existing file or folder (nothing where modes are not supported). */
    public static void set(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(path, mode);
        }
    }
}
