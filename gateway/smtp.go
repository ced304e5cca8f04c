package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/emersion/go-smtp"

	"postdesk/ticket"
)

// NewSMTPServer returns the inbound SMTP server (RFC 5321) of the desk. It
// takes mail for the desk address and its sub-addresses only, and answers
// DATA only after the pipeline committed the mail.
func NewSMTPServer(cfg Config, p *Pipeline, log *slog.Logger) *smtp.Server {
	be := &backend{pipeline: p, desk: cfg.DeskAddress(), limit: cfg.SMTP.MaxMessageBytes, log: log}
	s := smtp.NewServer(be)
	s.Domain = cfg.SMTP.Hostname
	if s.Domain == "" {
		s.Domain = cfg.Desk.Domain
	}
	s.MaxMessageBytes = cfg.SMTP.MaxMessageBytes
	s.MaxRecipients = cfg.SMTP.MaxRecipients
	s.ReadTimeout = cfg.SMTP.ReadTimeout
	s.WriteTimeout = cfg.SMTP.WriteTimeout
	s.ErrorLog = slogPrintf{log}
	return s
}

type backend struct {
	pipeline *Pipeline
	desk     string
	limit    int64
	log      *slog.Logger
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	remote := ""
	if addr := c.Conn().RemoteAddr(); addr != nil {
		remote = addr.String()
	}
	return &session{b: b, remote: remote}, nil
}

type session struct {
	b      *backend
	remote string
	from   string
	rcpts  []string
}

func (s *session) Reset() { s.from, s.rcpts = "", nil }

func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

// Rcpt accepts the desk address and its sub-addresses; anything else is
// refused at once, so the desk is never an open relay.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !ticket.IsDeskAddress(s.b.desk, to) {
		return smtpReply(s.b.log, errNoSuchMailbox{rcpt: to, desk: s.b.desk})
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Data reads the whole mail, hands it to the pipeline and answers 250 only
// after the commit.
func (s *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		if errors.Is(err, smtp.ErrDataTooLarge) {
			return smtpReply(s.b.log, errTooBig{limit: s.b.limit})
		}
		return smtpReply(s.b.log, err)
	}
	out, err := s.b.pipeline.Deliver(context.Background(),
		Envelope{MailFrom: s.from, RcptTo: s.rcpts, Remote: s.remote}, buf.Bytes())
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
