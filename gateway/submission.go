package gateway

import (
	"context"
	"crypto/tls"
	"log/slog"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"postdesk/store"
	"postdesk/ticket"
)

// NewSubmissionServer returns the desk's message submission server (RFC
// 6409) through which agents and managers send command mail. It differs
// from the public listener (NewSMTPServer) in one thing: a client must
// authenticate (SMTP AUTH, RFC 4954, mechanism PLAIN, RFC 4616) against the
// credentials in st before MAIL, else 530. AUTH is offered and accepted only
// after STARTTLS (RFC 3207) with tlsConfig, because PLAIN sends the password
// in clear (RFC 4616 section 6); with a nil tlsConfig nobody can submit.
// Recipients are the desk's addresses only, as on the public listener: it is
// not a relay. Delivered mail carries the proven address as
// Envelope.AuthUser.
func NewSubmissionServer(cfg Config, p *Pipeline, st *store.Store, log *slog.Logger, tlsConfig *tls.Config) *smtp.Server {
	s := newServer(cfg, newBackend(cfg, p, log.With("listener", "submission"), st))
	s.TLSConfig = tlsConfig
	// AllowInsecureAuth stays false: go-smtp then advertises AUTH only on a
	// TLS connection and answers AUTH on a clear one with 523 5.7.10.
	return s
}

// submissionSession is a session of the submission listener: the public
// session plus AUTH (go-smtp's AuthSession).
type submissionSession struct {
	*session
}

// AuthMechanisms lists the SASL mechanisms offered in EHLO: PLAIN only, as
// the connection is already encrypted by STARTTLS.
func (s *submissionSession) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth starts the SASL exchange of mech. A successful PLAIN login sets the
// session's authenticated user; any refusal reaches the client through
// smtpReply, the same 535 whatever the reason.
func (s *submissionSession) Auth(mech string) (sasl.Server, error) {
	log := s.b.log.With("remote", s.remote)
	if !strings.EqualFold(mech, sasl.Plain) {
		return nil, smtpReply(log, errAuthMechanism{mech: mech})
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		user, err := s.b.authenticate(context.Background(), identity, username, password)
		if err != nil {
			return smtpReply(log, err)
		}
		s.authUser = user
		log.Info("smtp auth", "user", user)
		return nil
	}), nil
}

// Mail refuses a transaction before AUTH with 530 (RFC 4954 section 6).
func (s *submissionSession) Mail(from string, opts *smtp.MailOptions) error {
	if s.authUser == "" {
		return smtpReply(s.b.log, errAuthRequired{})
	}
	return s.session.Mail(from, opts)
}

// authenticate checks a PLAIN login (RFC 4616 section 2: authorization
// identity, authentication identity, password) and returns the address it
// proves, lower case. Only agents and managers with a password may submit.
// Every refusal costs one password check, known user or not, so the timing
// tells nothing of who has credentials.
func (b *backend) authenticate(ctx context.Context, identity, username, password string) (string, error) {
	email := strings.ToLower(strings.TrimSpace(username))
	user, err := b.creds.User(ctx, email)
	if err != nil {
		return "", errAuthUnavailable{err: err}
	}
	hash, found, err := b.creds.PasswordHash(ctx, email)
	if err != nil {
		return "", errAuthUnavailable{err: err}
	}
	if !found {
		hash = dummyHash
	}
	ok := checkPassword(hash, password)
	reason := ""
	switch {
	case user == nil:
		reason = "unknown user"
	case !found:
		reason = "no password set"
	case !ok:
		reason = "wrong password"
	case user.Role != ticket.RoleAgent && user.Role != ticket.RoleManager:
		reason = "role " + string(user.Role) + " may not submit"
	case identity != "" && !strings.EqualFold(identity, username):
		// We do not act on behalf of another identity (RFC 4616 section 2).
		reason = "authorization identity " + identity + " differs"
	default:
		return email, nil
	}
	return "", errAuthFailed{user: email, reason: reason}
}
