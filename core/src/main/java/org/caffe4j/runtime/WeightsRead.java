package org.caffe4j.runtime;

import org.caffe4j.proto.Caffe;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A caffemodel read on a thread of its own while the caller reads the net definition: the weights' parse (which
 * needs only the small caffemodel_view descriptors until its last step) then overlaps the prototxt's parse and the
 * set-up of caffe.proto's descriptors, which the prototxt's parse triggers. A new process loads NIN a quarter to a
 * third sooner (BENCHMARKS.md). Errors stay what they were: the definition is checked first, and a failure of the
 * read is rethrown to the caller as it was thrown (the same exception, message and type).
 */
final class WeightsRead {
    /** The read itself: what the importer would have called on its own thread. */
    interface Reader {
        Caffe.NetParameter read() throws IOException;
    }

    private final FutureTask<Caffe.NetParameter> task;
    private final Thread thread;

    private WeightsRead(Reader reader) {
        this.task = new FutureTask<>(reader::read);
        this.thread = new Thread(task, "caffe4j-weights-reader");
        thread.setDaemon(true);
    }

    static WeightsRead start(Reader reader) {
        WeightsRead read = new WeightsRead(reader);
        read.thread.start();
        return read;
    }

    /**
     * The weights (null for no read), or what the read threw, once the reading thread has ended: its result is set a
     * moment before the thread finishes, and the import must not return while a thread of it still runs.
     */
    static Caffe.NetParameter await(WeightsRead read) throws IOException {
        if (read == null) {
            return null;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return read.task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the read is not abandoned half-way: what it holds is the caller's input
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        } finally {
            joinThread(read);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops a read whose result is no longer wanted (the definition failed) and waits until its thread has ended,
     * so that nothing reads the caller's file or stream after the import has returned. A file read stops at its
     * next read call (the channel is interruptible); a stream that ignores interrupts is read to its end.
     */
    static void abandon(WeightsRead read) {
        if (read == null) {
            return;
        }
        read.task.cancel(true);
        joinThread(read);
    }

    /** Waits until the read's thread has ended, keeping (not swallowing) an interrupt that comes meanwhile. */
    private static void joinThread(WeightsRead read) {
        boolean interrupted = false;
        while (read.thread.isAlive()) {
            try {
                read.thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
