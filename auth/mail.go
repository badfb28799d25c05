package auth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Mailer sends a plain-text email.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// LogMailer "sends" by writing the message to the log, for development and
// deployments without a mail server. The body may hold a password reset
// link: such logs must be treated as secret.
type LogMailer struct{ Logger *slog.Logger }

// Send logs the message.
func (m LogMailer) Send(ctx context.Context, to, subject, body string) error {
	m.Logger.InfoContext(ctx, "email (not sent: no mail server configured)", "to", to, "subject", subject, "body", body)
	return nil
}

// Delivers reports whether m really sends email: false for a LogMailer,
// which only writes to the server's log, and for nil. A page that would say
// "sent" says instead that nothing was, and shows what the email held.
func Delivers(m Mailer) bool {
	switch m.(type) {
	case nil, LogMailer, *LogMailer:
		return false
	}
	return true
}

// SMTPMailer sends through an SMTP relay at Addr (host:port), with STARTTLS
// when the server offers it and no authentication: the relay is expected to
// trust the platform's network. SMTP authentication is a follow-up.
type SMTPMailer struct {
	Addr string
	From string
}

// Send delivers one message, within ctx's deadline (30 s without one).
func (m SMTPMailer) Send(ctx context.Context, to, subject, body string) error {
	if strings.ContainsAny(to+subject+m.From, "\r\n") {
		return errors.New("auth: mail header with a line break")
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("auth: smtp: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(m.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("auth: smtp: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return fmt.Errorf("auth: smtp starttls: %w", err)
		}
	}
	if err := c.Mail(m.From); err != nil {
		return fmt.Errorf("auth: smtp MAIL: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("auth: smtp RCPT: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("auth: smtp DATA: %w", err)
	}
	msg := "From: " + m.From + "\r\nTo: " + to + "\r\nSubject: " + mime.QEncoding.Encode("utf-8", subject) +
		"\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := w.Write([]byte(msg)); err != nil {
		return fmt.Errorf("auth: smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("auth: smtp: %w", err)
	}
	return c.Quit()
}
