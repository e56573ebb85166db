package dev.dmap.schemas.testing;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The packages of a module as slices for ArchUnit's cycle rule, its root package included (ArchUnit's
 * {@code matching("a.b.(*)..")} leaves the root's classes out, so a cycle through them went unseen).
 */
public final class PackageSlices implements SliceAssignment {
    private final String root;

    private PackageSlices(String root) {
        this.root = root;
    }

    /** One slice per package directly under {@code root} (its subpackages with it), and one for {@code root} itself. */
    public static PackageSlices under(String root) {
        return new PackageSlices(root);
    }

    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String name = javaClass.getPackageName();
        if (name.equals(root)) {
            return SliceIdentifier.of("(root)");
        }
        if (!name.startsWith(root + ".")) {
            return SliceIdentifier.ignore();
        }
        return SliceIdentifier.of(name.substring(root.length() + 1).split("\\.")[0]);
    }

    @Override
    public String getDescription() {
        return "the packages of " + root + ", the root included";
    }
}
