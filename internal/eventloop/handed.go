package eventloop

import (
	"log/slog"
	"net"
	"os"
	"sync"
)

// handedListener is the listener the fasthttp server serves: Accept
// returns the connections the loop hands over. The server's Shutdown
// closes it, and then waits for them as for any other connection.
type handedListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once

	mu   sync.Mutex
	addr net.Addr
}

func newHandedListener() *handedListener {
	return &handedListener{conns: make(chan net.Conn), done: make(chan struct{}), addr: &net.TCPAddr{}}
}

func (l *handedListener) setAddr(a net.Addr) {
	l.mu.Lock()
	l.addr = a
	l.mu.Unlock()
}

func (l *handedListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handedListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *handedListener) Addr() net.Addr {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.addr
}

// give makes a net.Conn of the duplicated socket fd, which first reads
// prefix (what the loop had read), and has the server accept it; the
// connection closes if the server has shut down.
func (l *handedListener) give(fd int, prefix []byte, log *slog.Logger) {
	file := os.NewFile(uintptr(fd), "handed-over")
	nc, err := net.FileConn(file) // a duplicate of its own, in Go's poller
	_ = file.Close()
	if err != nil {
		log.Warn("eventloop: hand over a connection", "error", err)
		return
	}
	c := net.Conn(nc)
	if len(prefix) > 0 {
		c = &prefixConn{Conn: nc, prefix: prefix}
	}
	select {
	case l.conns <- c:
	case <-l.done:
		_ = c.Close()
	}
}

// prefixConn reads prefix before what the socket has.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
