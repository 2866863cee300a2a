package dev.seed.websocket.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The open connections of a server: a slot in an array each, the slot's number kept in the
 * connection ({@link WsConnection#registrySlot}). A connection so costs about 4 to 8 bytes here
 * (its slot and the array's spare room) where a concurrent set's node and table cost about 40:
 * idle connections are many, and this set holds every one of them.
 *
 * <p>Thread safe. Adding and removing take one lock (a connection opens and ends once; a loop
 * holds it for a few nanoseconds); iterating takes none and is weakly consistent, as a concurrent
 * set's: it sees every connection that was in the set for the whole iteration, and may or may not
 * see one added or removed meanwhile. A connection may be in one registry at a time. Once three
 * quarters of the slots are free the rest move together into a smaller array, so that a spike of
 * connections leaves neither the memory nor a long scan for each broadcast behind.
 */
final class ConnectionRegistry extends AbstractCollection<WsConnection> {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(WsConnection[].class);
    private static final int FIRST_CAPACITY = 16;

    /** The slots; a null slot is free. Replaced (grown) under the lock; read without it. */
    private volatile WsConnection[] slots = new WsConnection[FIRST_CAPACITY];
    /** Free slot numbers below {@link #used}, a stack ({@link #freeCount} of them). Under the lock. */
    private int[] free = new int[FIRST_CAPACITY];
    private int freeCount;
    /** Slots ever handed out: the slots from here on were never used. Under the lock. */
    private int used;
    private volatile int size;

    @Override
    public boolean add(WsConnection c) {
        synchronized (this) {
            if (c.registrySlot >= 0) {
                return false;
            }
            int slot;
            if (freeCount > 0) {
                slot = free[--freeCount];
            } else {
                if (used == slots.length) {
                    slots = Arrays.copyOf(slots, used * 2);
                }
                slot = used++;
            }
            c.registrySlot = slot;
            // a release store: a reader that sees the connection sees it as it was when added
            SLOTS.setRelease(slots, slot, c);
            size++;
            return true;
        }
    }

    @Override
    public boolean remove(Object o) {
        if (!(o instanceof WsConnection c)) {
            return false;
        }
        synchronized (this) {
            int slot = c.registrySlot;
            if (slot < 0 || slots[slot] != c) {
                return false;
            }
            SLOTS.setRelease(slots, slot, null);
            c.registrySlot = -1;
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, free.length * 2);
            }
            free[freeCount++] = slot;
            size--;
            if (slots.length > FIRST_CAPACITY && size < slots.length / 4) {
                compact();
            }
            return true;
        }
    }

    /**
     * Moves the connections into the first slots of an array twice their number (at least the
     * first capacity). Under the lock. An iteration under way goes on over the old array, which keeps them.
     */
    private void compact() {
        WsConnection[] dense = new WsConnection[Math.max(FIRST_CAPACITY, size * 2)];
        int n = 0;
        for (int i = 0; i < used; i++) {
            WsConnection c = slots[i];
            if (c != null) {
                c.registrySlot = n;
                dense[n++] = c;
            }
        }
        // the array is published by the volatile write: a reader that sees it sees its slots
        slots = dense;
        used = n;
        freeCount = 0;
        if (free.length > dense.length) {
            free = new int[dense.length];
        }
    }

    @Override
    public boolean contains(Object o) {
        if (!(o instanceof WsConnection c)) {
            return false;
        }
        synchronized (this) {
            int slot = c.registrySlot;
            return slot >= 0 && slots[slot] == c;
        }
    }

    /** The number of slots (tests). */
    int capacity() {
        return slots.length;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    /** The connections at the time of each step; {@code remove()} is not supported. */
    @Override
    public Iterator<WsConnection> iterator() {
        WsConnection[] snapshot = slots;
        return new Iterator<>() {
            private int index;
            private WsConnection next = advance();

            private WsConnection advance() {
                while (index < snapshot.length) {
                    WsConnection c = (WsConnection) SLOTS.getAcquire(snapshot, index++);
                    if (c != null) {
                        return c;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public WsConnection next() {
                WsConnection c = next;
                if (c == null) {
                    throw new NoSuchElementException();
                }
                next = advance();
                return c;
            }
        };
    }
}
