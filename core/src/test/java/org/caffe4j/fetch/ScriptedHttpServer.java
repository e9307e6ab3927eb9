package org.caffe4j.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP server on 127.0.0.1 (ephemeral port) for the responses a well-behaved server library will not send:
 * bodies cut short without Content-Length, unterminated chunked bodies, absurd lengths, a byte every so often. For
 * each connection it reads the request up to its blank line, runs the script on the socket's output, then closes
 * the socket. Closing the server closes every connection, which ends scripts that write or sleep forever.
 */
public final class ScriptedHttpServer implements AutoCloseable {
    /** Writes one response; may sleep or write forever (it is interrupted when the server closes). */
    public interface Script {
        void respond(OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket listener;
    private final Script script;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();

    public ScriptedHttpServer(Script script) throws IOException {
        this.script = script;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(this::acceptLoop, "scripted-http-accept");
    }

    private void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                connections.add(s);
                start(() -> serve(s), "scripted-http-connection");
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            readRequestHead(s.getInputStream());
            requests.incrementAndGet();
            OutputStream out = s.getOutputStream();
            script.respond(out);
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the client hung up or the server closed: nothing to do in a test server
        } finally {
            connections.remove(s);
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < end.length && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + listener.getLocalPort() + path;
    }

    /** How many requests reached the script. */
    public int requests() {
        return requests.get();
    }

    /** A status line and headers, ended by the blank line. */
    public static byte[] head(String... headers) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code data} as one chunk of a chunked body (without the terminating chunk). */
    public static byte[] chunk(byte[] data, int off, int len) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        b.write(data, off, len);
        b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    public static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : connections) {
            s.close();
        }
        threads.forEach(Thread::interrupt);
    }
}
