package org.caffe4j.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A throw-away HTTP server on 127.0.0.1 (ephemeral port) serving fixed bodies: /good, /other (different bytes),
 * /drop (announces the full length, sends half, then closes), /redirect (302 to /good) and 404 for the rest.
 * Closing it stops it at once.
 */
public final class LocalHttpServer implements AutoCloseable {
    public final byte[] body;
    private final byte[] otherBody;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    /** Serves {@code size} seeded random bytes. */
    public LocalHttpServer(int size) throws IOException {
        this(randomBytes(size));
    }

    /** Serves the given bytes at /good. */
    public LocalHttpServer(byte[] content) throws IOException {
        body = content.clone();
        otherBody = body.clone();
        otherBody[body.length / 2] ^= 1;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    private static byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        return b;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/good" -> send(ex, body);
                case "/other" -> send(ex, otherBody);
                case "/redirect" -> {
                    ex.getResponseHeaders().add("Location", url("/good"));
                    ex.sendResponseHeaders(302, -1);
                }
                case "/drop" -> {
                    ex.sendResponseHeaders(200, body.length);
                    OutputStream out = ex.getResponseBody();
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    // Closing short of the announced length makes the server drop the connection.
                }
                default -> ex.sendResponseHeaders(404, -1);
            }
        }
    }

    private static void send(HttpExchange ex, byte[] data) throws IOException {
        ex.sendResponseHeaders(200, data.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(data);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
