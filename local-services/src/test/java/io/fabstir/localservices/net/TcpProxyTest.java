package io.fabstir.localservices.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.junit.jupiter.api.Test;

class TcpProxyTest {

    /** An echo server on loopback, one connection at a time. */
    private static ServerSocket echo() throws Exception {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (Exception closed) {
                    // next
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void forwardsBytesBothWays() throws Exception {
        try (ServerSocket server = echo(); TcpProxy proxy = TcpProxy.start("echo", server.getLocalPort());
             Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.getOutputStream().write("ping".getBytes());
            assertThat(s.getInputStream().readNBytes(4)).isEqualTo("ping".getBytes());
        }
    }

    @Test
    void blackholeHoldsBytesSilentlyAndRestoreDeliversThem() throws Exception {
        try (ServerSocket server = echo(); TcpProxy proxy = TcpProxy.start("echo", server.getLocalPort());
             Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(500);
            s.getOutputStream().write("a".getBytes());
            assertThat(s.getInputStream().read()).isEqualTo('a');

            proxy.blackhole();
            s.getOutputStream().write("b".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            proxy.restore();
            s.setSoTimeout(5_000);
            assertThat(s.getInputStream().read()).isEqualTo('b');
        }
    }

    @Test
    void connectionsOpenedDuringABlackholeAreClosedOnRestore() throws Exception {
        try (ServerSocket server = echo(); TcpProxy proxy = TcpProxy.start("echo", server.getLocalPort())) {
            proxy.blackhole();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write("x".getBytes());
                Thread.sleep(200);
                proxy.restore();
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
        }
    }
}
