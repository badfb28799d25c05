package eventloop

import (
	"net"
	"os"
	"testing"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"
)

// stubConn is the part of a gnet.Conn that answer uses: the socket (one
// end of a socket pair) and the peer's address.
type stubConn struct {
	gnet.Conn
	fd   int
	addr net.Addr
}

func (s *stubConn) Fd() int              { return s.fd }
func (s *stubConn) RemoteAddr() net.Addr { return s.addr }
func (s *stubConn) LocalAddr() net.Addr  { return s.addr }

// BenchmarkAnswer is the loop's own cost per hit, around the Hit function:
// framing, fasthttp's header parse, laying out the answer and its writev
// (to a socket pair drained by another goroutine).
//
//	go test -run '^$' -bench Answer -benchmem ./internal/eventloop
func BenchmarkAnswer(b *testing.B) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		b.Fatal(err)
	}
	peer := os.NewFile(uintptr(fds[1]), "peer")
	defer peer.Close()
	defer unix.Close(fds[0])
	go func() {
		buf := make([]byte, 64<<10)
		for {
			if _, err := peer.Read(buf); err != nil {
				return
			}
		}
	}()
	c := &stubConn{fd: fds[0], addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}}
	req := []byte("GET /hit/about HTTP/1.1\r\nHost: highfives.localhost\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36\r\nAccept: text/html,application/xhtml+xml\r\nAccept-Encoding: gzip, deflate, br\r\nAccept-Language: en-GB,en;q=0.9\r\n\r\n")
	o := Options{Hit: hit, MaxHead: 8192}
	sc := newScratch(o.MaxHead)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if n, v := sc.answer(c, req, o); v != answered || n != len(req) {
			b.Fatalf("answer: %d, %v", n, v)
		}
	}
}
