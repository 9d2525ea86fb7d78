package dev.apprentice.distill.parallel;

import dev.apprentice.engine.parallel.ReplicaSums;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The replicas of a data-parallel run joined in a ring over TCP: each sends to the next and receives
 * from the previous. An all-reduce (sum) is a reduce-scatter and an all-gather of N chunks, N − 1
 * steps each, so every replica sends and receives 2(N − 1)/N of the array whatever N is (the
 * bandwidth-optimal schedule). After the reduce-scatter each chunk's sum sits, complete, on one
 * replica, which the all-gather copies to the others: every replica ends with the same bits.
 * Sending runs on a thread of its own while the caller receives, so chunks larger than the sockets'
 * buffers cannot deadlock the ring.
 */
public final class Ring implements ReplicaSums, AutoCloseable {
    /** Largest chunk written without the sender thread: far below the smallest TCP send buffer Linux gives (16 KiB). */
    private static final int INLINE_BYTES = 4096;
    private final int rank, size;
    private final SocketChannel next, previous;
    private final ExecutorService sender;
    private ByteBuffer sendBuffer = ByteBuffer.allocateDirect(0), receiveBuffer = ByteBuffer.allocateDirect(0);
    private long bytesSent, nanos;

    private Ring(int rank, int size, SocketChannel next, SocketChannel previous) {
        this.rank = rank;
        this.size = size;
        this.next = next;
        this.previous = previous;
        this.sender = size < 2 ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ring-" + rank + "-send");
            t.setDaemon(true);
            return t;
        });
    }

    /** A ring of one: every sum is the array itself. */
    public static Ring single() {
        return new Ring(0, 1, null, null);
    }

    /**
     * Joins the ring: rank's own server (already listening, its address among addresses, which every
     * replica has in the same order) accepts the previous replica while this one connects to the next.
     */
    public static Ring join(int rank, List<InetSocketAddress> addresses, ServerSocketChannel server) throws IOException {
        int size = addresses.size();
        if (rank < 0 || rank >= size) throw new IllegalArgumentException("rank " + rank + " of " + size + " replicas");
        if (size == 1) return single();
        SocketChannel next = SocketChannel.open();
        next.setOption(StandardSocketOptions.TCP_NODELAY, true);
        next.connect(addresses.get((rank + 1) % size));
        writeInt(next, rank);
        SocketChannel previous = server.accept();
        previous.setOption(StandardSocketOptions.TCP_NODELAY, true);
        int from = readInt(previous), expected = (rank + size - 1) % size;
        if (from != expected) throw new IOException("replica " + rank + " was joined by replica " + from + ", expected " + expected);
        return new Ring(rank, size, next, previous);
    }

    public int rank() {
        return rank;
    }

    @Override
    public int replicas() {
        return size;
    }

    /** Bytes this replica has sent so far. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Seconds this replica has spent in all-reduces so far (sending, receiving and waiting for the others). */
    public double seconds() {
        return nanos / 1e9;
    }

    /** Replaces a by the element-wise sum of every replica's a. */
    public void sum(float[] a) {
        allReduce(new Floats(a));
    }

    @Override
    public void sum(double[] a) {
        allReduce(new Doubles(a));
    }

    /** An array the ring moves in chunks: written to and read from byte buffers, received chunks added or copied. */
    private interface Chunks {
        int length();

        int bytesPerElement();

        void write(ByteBuffer to, int from, int count);

        void add(ByteBuffer from, int at, int count);

        void copy(ByteBuffer from, int at, int count);
    }

    private record Floats(float[] a) implements Chunks {
        public int length() { return a.length; }
        public int bytesPerElement() { return Float.BYTES; }
        public void write(ByteBuffer to, int from, int count) { to.asFloatBuffer().put(a, from, count); }
        public void add(ByteBuffer from, int at, int count) { var f = from.asFloatBuffer(); for (int i = 0; i < count; i++) a[at + i] += f.get(i); }
        public void copy(ByteBuffer from, int at, int count) { from.asFloatBuffer().get(a, at, count); }
    }

    private record Doubles(double[] a) implements Chunks {
        public int length() { return a.length; }
        public int bytesPerElement() { return Double.BYTES; }
        public void write(ByteBuffer to, int from, int count) { to.asDoubleBuffer().put(a, from, count); }
        public void add(ByteBuffer from, int at, int count) { var d = from.asDoubleBuffer(); for (int i = 0; i < count; i++) a[at + i] += d.get(i); }
        public void copy(ByteBuffer from, int at, int count) { from.asDoubleBuffer().get(a, at, count); }
    }

    private void allReduce(Chunks a) {
        if (size == 1) return;
        long t0 = System.nanoTime();
        int maxChunk = (a.length() + size - 1) / size * a.bytesPerElement();
        if (sendBuffer.capacity() < maxChunk) {
            sendBuffer = ByteBuffer.allocateDirect(maxChunk).order(ByteOrder.nativeOrder());
            receiveBuffer = ByteBuffer.allocateDirect(maxChunk).order(ByteOrder.nativeOrder());
        }
        // reduce-scatter: at step s send chunk rank − s, receive and add chunk rank − s − 1
        for (int s = 0; s < size - 1; s++) exchange(a, chunk(rank - s), chunk(rank - s - 1), true);
        // all-gather: replica r now holds the whole sum of chunk r + 1; pass the finished chunks on
        for (int s = 0; s < size - 1; s++) exchange(a, chunk(rank + 1 - s), chunk(rank - s), false);
        nanos += System.nanoTime() - t0;
    }

    private int chunk(int i) {
        return Math.floorMod(i, size);
    }

    private void exchange(Chunks a, int sendChunk, int receiveChunk, boolean add) {
        int sFrom = bound(a, sendChunk), sCount = bound(a, sendChunk + 1) - sFrom;
        int rFrom = bound(a, receiveChunk), rCount = bound(a, receiveChunk + 1) - rFrom;
        sendBuffer.clear();
        a.write(sendBuffer, sFrom, sCount);
        sendBuffer.limit(sCount * a.bytesPerElement());
        // a small chunk fits the sockets' buffers, so it is written here without waiting for the peer to read (no
        // thread hand-off: batch norm's sums cross the ring three times per layer and step); a large one is written
        // by the sender thread while this one receives, or both replicas would block writing
        Future<?> sent = null;
        if (sendBuffer.limit() <= INLINE_BYTES) {
            try {
                writeFully(next, sendBuffer);
            } catch (IOException e) {
                throw new UncheckedIOException("ring all-reduce, replica " + rank + " sending: " + e.getMessage(), e);
            }
        } else {
            sent = sender.submit(() -> {
                writeFully(next, sendBuffer);
                return null;
            });
        }
        receiveBuffer.clear().limit(rCount * a.bytesPerElement());
        try {
            while (receiveBuffer.hasRemaining())
                if (previous.read(receiveBuffer) < 0) throw new IOException("replica " + (rank + size - 1) % size + " left the ring");
            receiveBuffer.flip();
            if (add) a.add(receiveBuffer, rFrom, rCount);
            else a.copy(receiveBuffer, rFrom, rCount);
            if (sent != null) sent.get();
        } catch (IOException e) {
            throw new UncheckedIOException("ring all-reduce, replica " + rank + ": " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new UncheckedIOException("ring all-reduce, replica " + rank + " sending: " + e.getCause().getMessage(),
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a ring all-reduce", e);
        }
        bytesSent += (long) sCount * a.bytesPerElement();
    }

    private int bound(Chunks a, int chunk) {
        return (int) ((long) a.length() * chunk / size);
    }

    private static void writeFully(SocketChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) channel.write(b);
    }

    private static void writeInt(SocketChannel c, int v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).putInt(v);
        b.flip();
        writeFully(c, b);
    }

    private static int readInt(SocketChannel c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4);
        while (b.hasRemaining()) if (c.read(b) < 0) throw new IOException("connection closed while joining the ring");
        return b.flip().getInt();
    }

    @Override
    public void close() {
        if (sender != null) sender.shutdownNow();
        try {
            if (next != null) next.close();
            if (previous != null) previous.close();
        } catch (IOException e) {
            // closing: nothing left to do with the ring
        }
    }
}
