package io.fabstir.otel.logging;

import java.util.function.Function;

/**
 * What the encoder derives from a name (field names, logger names: constants that repeat on every event), cached in
 * a small table where each name may sit in one of two slots: with one slot, two names of the same slot (say
 * {@code max_tokens} and {@code prompt_tokens}) would evict each other on every event and rebuild their entries
 * each time. Entries are immutable and hold their own name, so threads that race on a slot at worst build an entry
 * twice.
 */
final class NameCache<T> {

    private final Object[] slots;
    private final int mask;
    private final Function<T, String> nameOf;
    private final Function<String, T> make;

    /** @param size a power of two */
    NameCache(int size, Function<T, String> nameOf, Function<String, T> make) {
        this.slots = new Object[size];
        this.mask = size - 1;
        this.nameOf = nameOf;
        this.make = make;
    }

    @SuppressWarnings("unchecked")
    T get(String name) {
        int h = name.hashCode();
        int first = h & mask;
        int second = (h ^ (h >>> 16) ^ (h >>> 8) ^ 0x5bd1) & mask;
        T a = (T) slots[first];
        if (a != null && matches(a, name)) {
            return a;
        }
        T b = (T) slots[second];
        if (b != null && matches(b, name)) {
            return b;
        }
        T made = make.apply(name);
        slots[a == null || b != null ? first : second] = made;
        return made;
    }

    private boolean matches(T entry, String name) {
        String n = nameOf.apply(entry);
        return n == name || n.equals(name);
    }
}
