package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"

	"github.com/wneessen/go-mail"

	"postdesk/store"
	"postdesk/threading"
)

// Sender delivers outbox mails over one connection. It calls done with each
// mail's result (nil for delivered) as soon as the relay has answered, in
// order, so that the result is recorded before the next mail goes out; it
// stops, leaving the rest untried, when ctx is done or done fails.
type Sender interface {
	Send(ctx context.Context, mails []store.OutboxMail, done func(i int, result error) error)
}

// permanentError marks a failure that retrying cannot mend (a 5xx answer, a
// mail that cannot be built).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether a send error is final.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// RelaySender sends through the configured relay with go-mail, over one
// connection per batch.
type RelaySender struct {
	cfg      RelayConfig
	helo     string
	deskName string
	// bounces, delim and secret make each mail's VERP return path.
	bounces, delim string
	secret         []byte
}

// NewRelaySender returns a Sender for the relay in cfg. cfg.Relay.Host must be
// set. secret keys the bounce tokens of the return paths (the pipeline's
// secret, so that the SMTP server recognises them).
func NewRelaySender(cfg Config, secret []byte) *RelaySender {
	helo := cfg.Relay.HELO
	if helo == "" {
		helo = cfg.Desk.Domain
	}
	return &RelaySender{cfg: cfg.Relay, helo: helo, deskName: cfg.Desk.Name,
		bounces: cfg.BounceAddress(), delim: cfg.Desk.SubaddressDelimiter, secret: secret}
}

func (r *RelaySender) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(r.cfg.Port), mail.WithTimeout(r.cfg.Timeout), mail.WithHELO(r.helo)}
	// go-mail insists on STARTTLS unless told otherwise; the desk follows its
	// config so that a plain local relay works.
	switch r.cfg.TLS {
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSL())
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if r.cfg.TLS != "none" {
		opts = append(opts, mail.WithTLSConfig(&tls.Config{ServerName: r.cfg.Host, MinVersion: tls.VersionTLS12}))
	}
	if r.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(r.cfg.Username), mail.WithPassword(r.cfg.Password))
	}
	return mail.NewClient(r.cfg.Host, opts...)
}

// Send implements Sender. A failure to connect fails every mail
// temporarily.
func (r *RelaySender) Send(ctx context.Context, mails []store.OutboxMail, done func(int, error) error) {
	failAll := func(err error) {
		for i := range mails {
			if done(i, err) != nil {
				return
			}
		}
	}
	c, err := r.client()
	if err != nil {
		failAll(permanentError{fmt.Errorf("relay client: %w", err)})
		return
	}
	if err := c.DialWithContext(ctx); err != nil {
		failAll(fmt.Errorf("connect to relay %s:%d: %w", r.cfg.Host, r.cfg.Port, err))
		return
	}
	defer c.Close()
	for i, m := range mails {
		if ctx.Err() != nil {
			return
		}
		msg, err := r.build(m)
		if err != nil {
			err = permanentError{err}
		} else if err = c.Send(msg); err != nil {
			var se *mail.SendError
			if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
				err = permanentError{err}
			}
		}
		if done(i, err) != nil {
			return
		}
	}
}

// build turns an outbox row into a go-mail message: multipart/alternative
// when there is HTML, with the threading and RFC 3834 headers. The envelope
// sender is the row's VERP return path (threading.VERPAddress), so that a
// bounce names the delivery it is about; the header From stays the desk.
func (r *RelaySender) build(o store.OutboxMail) (*mail.Msg, error) {
	m := mail.NewMsg()
	returnPath := threading.VERPAddress(r.bounces, r.delim, o.ID, r.secret)
	if err := m.EnvelopeFrom(returnPath); err != nil {
		return nil, fmt.Errorf("envelope sender %q: %w", returnPath, err)
	}
	if err := m.FromFormat(r.deskName, o.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", o.From, err)
	}
	if err := m.To(o.RcptTo); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", o.RcptTo, err)
	}
	if o.ReplyTo != "" {
		if err := m.ReplyTo(o.ReplyTo); err != nil {
			return nil, fmt.Errorf("reply-to %q: %w", o.ReplyTo, err)
		}
	}
	m.Subject(o.Subject)
	m.SetMessageIDWithValue(o.MessageID)
	m.SetDateWithValue(o.CreatedAt)
	if o.InReplyTo != "" {
		m.SetGenHeader(mail.HeaderInReplyTo, "<"+o.InReplyTo+">")
	}
	if len(o.References) > 0 {
		m.SetGenHeader(mail.HeaderReferences, "<"+strings.Join(o.References, "> <")+">")
	}
	if o.AutoSubmitted != "" {
		m.SetGenHeader("Auto-Submitted", o.AutoSubmitted)
	}
	// Ask Exchange not to answer with out-of-office mail, and mark our mail
	// so that it is recognised if it ever comes back (loop prevention).
	m.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	m.SetGenHeader("X-Loop", o.From)
	m.SetGenHeader("X-Postdesk-Ticket", o.Ref)
	if o.Lang != "" {
		m.SetGenHeader("Content-Language", o.Lang) // RFC 3282
	}
	m.SetBodyString(mail.TypeTextPlain, o.Text)
	if o.HTML != "" {
		m.AddAlternativeString(mail.TypeTextHTML, o.HTML)
	}
	return m, nil
}
