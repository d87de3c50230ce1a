package dev.authpack.james;

import org.apache.james.filesystem.api.FileSystem;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** For the tests of mailets, matchers and hooks: a FileSystem like James' FileSystemImpl for file://conf/ only. */
public final class FakeFileSystem {
    private FakeFileSystem() {
    }

    /** {@code file://conf/NAME} is {@code base/conf/NAME}; any other URL is not found. */
    public static FileSystem under(Path base) {
        return withConf(base.resolve("conf"), base);
    }

    /** {@code file://conf/NAME} is {@code conf/NAME} (a folder of any name, e.g. conf-samples/); base dir its parent. */
    public static FileSystem withConf(Path conf) {
        return withConf(conf, conf.toAbsolutePath().getParent());
    }

    private static FileSystem withConf(Path conf, Path base) {
        return new FileSystem() {
            @Override
            public InputStream getResource(String url) throws IOException {
                return Files.newInputStream(getFile(url).toPath());
            }

            @Override
            public File getFile(String fileURL) throws FileNotFoundException {
                if (fileURL.startsWith(FILE_PROTOCOL_AND_CONF)) {
                    return conf.resolve(fileURL.substring(FILE_PROTOCOL_AND_CONF.length())).toFile();
                }
                throw new FileNotFoundException("unsupported in this fake: " + fileURL);
            }

            @Override
            public File getBasedir() {
                return base.toFile();
            }
        };
    }
}
