package io.wallsync.adapters.page;

import java.util.regex.Pattern;

/**
 * A domain's name, which is also its page file name ({@code <name>.page}): 1 to 64 characters from
 * a-z, A-Z, 0-9, '_', '-', '.', not starting with '.' or '-'. No '/', so a name can never leave the
 * page directory.
 */
public record DomainName(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    public DomainName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid domain name '" + value
                    + "': expected 1-64 characters from A-Z a-z 0-9 _ . - not starting with . or -");
        }
    }

    /** The page file name of this domain. */
    public String pageFileName() {
        return value + ".page";
    }

    @Override
    public String toString() {
        return value;
    }
}
