package dev.authpack.dkim;

/** What tests of other packages may read of a verifier's internals. */
public final class DkimTestAccess {
    private DkimTestAccess() {
    }

    /** Key records decoded (and kept) by {@code verifier} and the verifiers made from it ({@link DkimVerifier#over}). */
    public static int decodedKeys(DkimVerifier verifier) {
        return verifier.cachedKeys();
    }
}
