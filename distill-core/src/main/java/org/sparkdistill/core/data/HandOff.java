package org.sparkdistill.core.data;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between two pipeline stages. {@link #abort()} wakes every thread waiting on it, which then
 * leaves with {@link Stopped}; that is how a failure or a close reaches stages that are waiting, without interrupting
 * threads that may be inside native code.
 */
final class HandOff {
    /** Thrown to a thread waiting on, or arriving at, an aborted hand-off. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private boolean aborted;

    HandOff(int capacity) {
        this.capacity = capacity;
    }

    void put(Object item) throws InterruptedException {
        lock.lock();
        try {
            while (!aborted && items.size() == capacity) {
                notFull.await();
            }
            if (aborted) {
                throw new Stopped();
            }
            items.addLast(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    Object take() throws InterruptedException {
        lock.lock();
        try {
            while (!aborted && items.isEmpty()) {
                notEmpty.await();
            }
            if (aborted) {
                throw new Stopped();
            }
            Object item = items.removeFirst();
            notFull.signal();
            return item;
        } finally {
            lock.unlock();
        }
    }

    void abort() {
        lock.lock();
        try {
            aborted = true;
            items.clear();
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
