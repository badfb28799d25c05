package auth_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/auth"
)

func TestLogMailer(t *testing.T) {
	var buf bytes.Buffer
	var m auth.Mailer = auth.LogMailer{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	if err := m.Send(context.Background(), "jane@example.nhs.uk", "Reset", "http://x/link"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"jane@example.nhs.uk", "Reset", "http://x/link"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %q: %s", want, buf.String())
		}
	}
}

func TestDelivers(t *testing.T) {
	for _, c := range []struct {
		m    auth.Mailer
		want bool
	}{{nil, false}, {auth.LogMailer{}, false}, {&auth.LogMailer{}, false}, {auth.SMTPMailer{Addr: "x:25"}, true}} {
		if got := auth.Delivers(c.m); got != c.want {
			t.Errorf("Delivers(%T) = %v, want %v", c.m, got, c.want)
		}
	}
}

// fakeSMTP accepts one message and returns what it received.
func fakeSMTP(t *testing.T) (string, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		var all strings.Builder
		fmt.Fprint(conn, "220 fake ESMTP\r\n")
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				got <- all.String()
				return
			}
			all.WriteString(line)
			switch {
			case inData && line == ".\r\n":
				inData = false
				fmt.Fprint(conn, "250 ok\r\n")
			case inData:
			case strings.HasPrefix(line, "EHLO"):
				fmt.Fprint(conn, "250-fake\r\n250 8BITMIME\r\n")
			case strings.HasPrefix(line, "DATA"):
				inData = true
				fmt.Fprint(conn, "354 go on\r\n")
			case strings.HasPrefix(line, "QUIT"):
				fmt.Fprint(conn, "221 bye\r\n")
				got <- all.String()
				return
			default:
				fmt.Fprint(conn, "250 ok\r\n")
			}
		}
	}()
	return ln.Addr().String(), got
}

func TestSMTPMailer(t *testing.T) {
	addr, got := fakeSMTP(t)
	m := auth.SMTPMailer{Addr: addr, From: "noreply@pcnweb.example"}
	if err := m.Send(context.Background(), "jane@example.nhs.uk", "Reset your password", "Open\nhttp://x/link\n"); err != nil {
		t.Fatal(err)
	}
	s := <-got
	for _, want := range []string{"MAIL FROM:<noreply@pcnweb.example>", "RCPT TO:<jane@example.nhs.uk>", "Subject: Reset your password\r\n", "http://x/link\r\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("session lacks %q:\n%s", want, s)
		}
	}
	if err := m.Send(context.Background(), "jane@example.nhs.uk\r\nBcc: x@y", "s", "b"); err == nil {
		t.Error("header injection accepted")
	}
}
