package eventloop

import (
	"log/slog"
	"net"
	"os"
	"sync"
	"time"
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

// handing is a connection on its way from the loop to the server.
type handing struct {
	fd           int    // a duplicate of the socket, the handing's to close
	prefix       []byte // read by the loop, not answered: the server reads it first
	unsent       []byte // the rest of the loop's last answer: sent first
	writeTimeout time.Duration
}

// give makes a net.Conn of h's socket, sends what the loop's last answer
// left unsent, and has the server accept the connection, which first
// reads h.prefix; the connection closes if that fails or the server has
// shut down.
func (l *handedListener) give(h handing, log *slog.Logger) {
	file := os.NewFile(uintptr(h.fd), "handed-over")
	nc, err := net.FileConn(file) // a duplicate of its own, in Go's poller
	_ = file.Close()
	if err != nil {
		log.Warn("eventloop: hand over a connection", "error", err)
		return
	}
	if len(h.unsent) > 0 {
		_ = nc.SetWriteDeadline(time.Now().Add(h.writeTimeout))
		if _, err := nc.Write(h.unsent); err != nil {
			_ = nc.Close() // the client is gone, or not reading: as fasthttp's WriteTimeout
			return
		}
		_ = nc.SetWriteDeadline(time.Time{})
	}
	c := net.Conn(nc)
	if len(h.prefix) > 0 {
		c = &prefixConn{Conn: nc, prefix: h.prefix}
	}
	l.offer(c)
}

// offer has the server accept c, or closes it if the server has shut down.
func (l *handedListener) offer(c net.Conn) {
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
