package io.wallsync.cli;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageDirectory;
import io.wallsync.adapters.page.PageFile;
import java.nio.file.Path;
import picocli.CommandLine;

/** The page of a domain named on the command line (`--dir D --domain NAME`) of read and run. */
final class DomainPages {
    private DomainPages() {}

    /** {@code dir}/NAME.page ({@code dir} null: the default directory); a bad NAME is a usage error. */
    static Path path(CommandLine.Model.CommandSpec spec, Path dir, String domain) {
        DomainName name;
        try {
            name = new DomainName(domain);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return PageFile.pathOf(dir != null ? dir : PageDirectory.defaultDirectory(), name);
    }
}
