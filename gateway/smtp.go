package gateway

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/emersion/go-smtp"

	"postdesk/store"
)

// NewSMTPServer returns the inbound SMTP server (RFC 5321) of the desk. It
// takes mail for the desk address, its sub-addresses and the control address
// only, and answers DATA only after the pipeline committed the mail.
func NewSMTPServer(cfg Config, p *Pipeline, log *slog.Logger) *smtp.Server {
	return newServer(cfg, newBackend(cfg, p, log, nil))
}

// newBackend is the backend of a listener; creds is nil on the public one.
func newBackend(cfg Config, p *Pipeline, log *slog.Logger, creds *store.Store) *backend {
	return &backend{pipeline: p, desk: cfg.DeskAddress(), control: cfg.ControlAddress(),
		limit: cfg.SMTP.MaxMessageBytes, log: log, creds: creds}
}

// newServer is a go-smtp server for be with the limits and timeouts of cfg.
func newServer(cfg Config, be *backend) *smtp.Server {
	s := smtp.NewServer(be)
	s.Domain = cfg.SMTP.Hostname
	if s.Domain == "" {
		s.Domain = cfg.Desk.Domain
	}
	// go-smtp runs no size checks of its own (MaxMessageBytes 0): its
	// refusals of SIZE= and of BDAT chunks would bypass smtpReply and state
	// no limit, and on a refused BDAT chunk it reads the discarded bytes under
	// the line limit and loses its place in the stream. The session checks
	// SIZE= at MAIL (RFC 1870 section 6.1) and bounds what DATA and BDAT
	// (RFC 3030) hand it; EHLO then advertises a bare SIZE.
	s.MaxMessageBytes = 0
	s.MaxRecipients = cfg.SMTP.MaxRecipients
	s.ReadTimeout = cfg.SMTP.ReadTimeout
	s.WriteTimeout = cfg.SMTP.WriteTimeout
	s.ErrorLog = slogPrintf{be.log}
	return s
}

type backend struct {
	pipeline *Pipeline
	desk     string
	control  string
	limit    int64
	log      *slog.Logger
	// creds is set on the submission listener, whose sessions must AUTH
	// against it before MAIL (submission.go); nil on the public listener.
	creds *store.Store
}

// takes reports whether the desk takes mail for rcpt (Pipeline.Takes).
func (b *backend) takes(rcpt string) bool { return b.pipeline.Takes(rcpt) }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	remote := ""
	if addr := c.Conn().RemoteAddr(); addr != nil {
		remote = addr.String()
	}
	s := &session{b: b, remote: remote}
	if b.creds != nil {
		return &submissionSession{session: s}, nil
	}
	return s, nil
}

type session struct {
	b      *backend
	remote string
	from   string
	rcpts  []string
	// authUser is the address proven with AUTH on the submission listener,
	// lower case. RSET keeps it, as go-smtp keeps the AUTH state; STARTTLS
	// starts a new session without it.
	authUser string
}

func (s *session) Reset() { s.from, s.rcpts = "", nil }

func (s *session) Logout() error { return nil }

// Mail refuses a mail whose declared size (MAIL FROM ... SIZE=n) is over
// the limit at once, with 552 5.3.4 stating the limit (RFC 1870 section 6.1,
// RFC 3463).
func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if opts != nil && opts.Size > s.b.limit {
		return smtpReply(s.b.log, errTooBig{limit: s.b.limit})
	}
	s.from = from
	return nil
}

// Rcpt accepts the desk address, its sub-addresses, the control address and
// the return paths of our mail (a bad token is no address); anything else is refused at once, so the desk is never an open relay (on
// the submission listener neither).
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !s.b.takes(to) {
		return smtpReply(s.b.log, errNoSuchMailbox{rcpt: to, desk: s.b.desk})
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Data reads the whole mail (sent with DATA or BDAT), hands it to the
// pipeline and answers 250 only after the commit. It reads at most one byte
// over the limit: a longer mail is refused with 552 stating the limit, and
// go-smtp discards the rest of it.
func (s *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(r, s.b.limit+1)); err != nil {
		return smtpReply(s.b.log, fmt.Errorf("read mail: %w", err))
	}
	if int64(buf.Len()) > s.b.limit {
		return smtpReply(s.b.log, errTooBig{limit: s.b.limit})
	}
	out, err := s.b.pipeline.Deliver(context.Background(),
		Envelope{MailFrom: s.from, RcptTo: s.rcpts, Remote: s.remote, AuthUser: s.authUser}, buf.Bytes())
	if err != nil {
		return smtpReply(s.b.log.With("remote", s.remote, "mail_from", s.from), err)
	}
	return smtpReply(s.b.log, accepted{out: out})
}

// slogPrintf lets go-smtp's internal error log go to slog.
type slogPrintf struct{ log *slog.Logger }

func (l slogPrintf) Printf(format string, v ...any) {
	l.log.Warn("smtp server", "detail", fmt.Sprintf(format, v...))
}

func (l slogPrintf) Println(v ...any) { l.log.Warn("smtp server", "detail", fmt.Sprint(v...)) }
