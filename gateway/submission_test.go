package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"postdesk/store"
	"postdesk/ticket"
)

// subDesk is a running desk with its submission listener and the pool that
// trusts its certificate.
type subDesk struct {
	*Daemon
	cfg  Config
	pool *x509.CertPool
}

// startSubmissionDesk starts a desk whose public and submission listeners
// are on 127.0.0.1:0, with these users and passwords (hashed with few
// iterations, to keep the suite fast).
func startSubmissionDesk(t *testing.T, users map[ticket.User]string) *subDesk {
	t.Helper()
	cfg := testConfig(t)
	certFile, keyFile, pool := selfSigned(t)
	cfg.SMTP.SubmissionListen, cfg.SMTP.TLSCert, cfg.SMTP.TLSKey = "127.0.0.1:0", certFile, keyFile
	var ls Listeners
	for _, ln := range []*net.Listener{&ls.SMTP, &ls.Submission} {
		var err error
		if *ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	}
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	d, err := StartWith(context.Background(), cfg, testDeps(clock, &fakeDNS{}), ls)
	if err != nil {
		t.Fatalf("StartWith: %v", err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	r := rand.NewChaCha8([32]byte{2})
	err = d.Store.Write(context.Background(), func(tx *store.Tx) error {
		for u, password := range users {
			if err := tx.PutUser(u, clock.Now()); err != nil {
				return err
			}
			if password == "" {
				continue
			}
			hash, err := hashPasswordIter(r, password, minIterations)
			if err != nil {
				return err
			}
			if err := tx.SetPassword(u.Email, hash, clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return &subDesk{Daemon: d, cfg: cfg, pool: pool}
}

// login is a user and password for AUTH PLAIN; nil sends no AUTH.
type login struct{ user, password string }

// submit speaks to the submission listener as an agent's mail program:
// STARTTLS (trusting the test certificate), AUTH PLAIN when auth is not nil,
// then one mail. It returns the DATA reply text or the first error.
func (d *subDesk) submit(t *testing.T, auth *login, from string, to []string, raw []byte) (string, error) {
	t.Helper()
	c, err := smtp.DialStartTLS(d.SubmissionAddr(), &tls.Config{RootCAs: d.pool})
	if err != nil {
		t.Fatalf("dial with STARTTLS: %v", err)
	}
	defer c.Close()
	if err := c.Hello("agent.test"); err != nil {
		return "", err
	}
	if auth != nil {
		if ok, mechs := c.Extension("AUTH"); !ok || !strings.Contains(mechs, "PLAIN") {
			t.Fatalf("AUTH PLAIN not offered after STARTTLS (%v %q)", ok, mechs)
		}
		if err := c.Auth(sasl.NewPlainClient("", auth.user, auth.password)); err != nil {
			return "", err
		}
	}
	return transact(c, from, to, raw)
}

var (
	agent    = ticket.User{Email: "agent@desk.example", Name: "Agent", Role: ticket.RoleAgent}
	manager  = ticket.User{Email: "pm@desk.example", Name: "PM", Role: ticket.RoleManager}
	customer = ticket.User{Email: "anna@client.example", Name: "Anna", Role: ticket.RoleCustomer}
)

func submittedMail(from, to, id string) []byte {
	return crlf("From: " + from + "\nTo: " + to + "\nSubject: Severity 2 - Acme - labels\nMessage-ID: <" + id +
		"@desk.example>\n\nLabels do not print.\n")
}

// An agent (and a manager) who proves a password after STARTTLS submits
// mail; the raw mail records who authenticated, in lower case.
func TestSubmissionAuthenticatedAgentDelivers(t *testing.T) {
	d := startSubmissionDesk(t, map[ticket.User]string{agent: "agent secret", manager: "pm secret"})
	for i, tc := range []struct {
		login login
		rcpt  string
		want  string
	}{
		{login{"Agent@Desk.Example", "agent secret"}, "support@desk.example", "agent@desk.example"},
		{login{"pm@desk.example", "pm secret"}, "support+x@desk.example", "pm@desk.example"},
	} {
		text, err := d.submit(t, &tc.login, tc.want, []string{tc.rcpt}, submittedMail(tc.want, tc.rcpt, "sub"+string(rune('a'+i))))
		if err != nil || !strings.Contains(text, "TKT-") {
			t.Fatalf("%s: DATA = %q, %v; want 250 with a reference", tc.login.user, text, err)
		}
	}
	raws, err := d.Store.RawMessages(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != 2 || raws[0].AuthUser != "agent@desk.example" || raws[1].AuthUser != "pm@desk.example" {
		for _, r := range raws {
			t.Logf("raw %d: auth_user %q", r.ID, r.AuthUser)
		}
		t.Fatalf("raw messages do not record the authenticated users")
	}
}

// Without STARTTLS, AUTH is neither offered nor taken (RFC 3207, RFC 4954
// section 4), and MAIL is refused.
func TestSubmissionNoAuthWithoutTLS(t *testing.T) {
	d := startSubmissionDesk(t, map[ticket.User]string{agent: "agent secret"})
	c, err := smtp.Dial(d.SubmissionAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("agent.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Error("STARTTLS not offered")
	}
	if ok, mechs := c.Extension("AUTH"); ok {
		t.Errorf("AUTH %s offered on a clear connection", mechs)
	}
	err = c.Auth(sasl.NewPlainClient("", agent.Email, "agent secret"))
	if code := smtpCode(err); code != "523 5.7.10" {
		t.Errorf("AUTH without TLS: %v (%s), want 523 5.7.10", err, code)
	}
	if err := c.Mail(agent.Email, nil); smtpCode(err) != "530 5.7.0" {
		t.Errorf("MAIL without TLS and AUTH: %v, want 530 5.7.0", err)
	}
	// The public listener offers no AUTH at all.
	p, err := smtp.Dial(d.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Hello("agent.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := p.Extension("AUTH"); ok {
		t.Error("the public listener offers AUTH")
	}
}

// Every failed login gets the same 535: a wrong or empty password, an
// unknown user (an agent without a password takes the same path), a
// customer with the right one.
func TestSubmissionRefusedLogins(t *testing.T) {
	t.Parallel() // a full-strength hash: seconds under -race
	d := startSubmissionDesk(t, map[ticket.User]string{agent: "agent secret", customer: "anna secret"})
	for _, l := range []login{
		{agent.Email, "wrong"},
		{agent.Email, ""},
		{"nobody@desk.example", "agent secret"}, // checked against dummyHash, at full cost
		{customer.Email, "anna secret"},
	} {
		_, err := d.submit(t, &l, l.user, []string{"support@desk.example"}, submittedMail(l.user, "support@desk.example", "x"))
		var se *smtp.SMTPError
		if !errors.As(err, &se) || smtpCode(err) != "535 5.7.8" || se.Message != "Authentication credentials invalid" {
			t.Errorf("login %s/%q: %v, want 535 5.7.8 Authentication credentials invalid", l.user, l.password, err)
		}
	}
	raws, err := d.Store.RawMessages(context.Background(), "")
	if err != nil || len(raws) != 0 {
		t.Fatalf("refused logins stored %d mails (%v)", len(raws), err)
	}
}

// Over TLS, MAIL before AUTH gets 530; after AUTH the listener is still no
// relay: an outside recipient gets the public listener's 550.
func TestSubmissionNeedsAuthAndIsNoRelay(t *testing.T) {
	d := startSubmissionDesk(t, map[ticket.User]string{agent: "agent secret"})
	_, err := d.submit(t, nil, agent.Email, []string{"support@desk.example"}, submittedMail(agent.Email, "support@desk.example", "y"))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || smtpCode(err) != "530 5.7.0" || se.Message != "Authentication required" {
		t.Errorf("MAIL before AUTH: %v, want 530 5.7.0 Authentication required", err)
	}
	_, err = d.submit(t, &login{agent.Email, "agent secret"}, agent.Email, []string{"someone@elsewhere.example"},
		submittedMail(agent.Email, "someone@elsewhere.example", "z"))
	if smtpCode(err) != "550 5.1.1" || !strings.Contains(err.Error(), "no such mailbox here") {
		t.Errorf("RCPT outside the desk: %v, want 550 5.1.1", err)
	}
}

// The public listener takes the control address besides the desk address:
// RCPT is accepted, and a control mail without commands is answered at DATA
// with what it should hold.
func TestPublicListenerTakesControlAddress(t *testing.T) {
	d := startSubmissionDesk(t, nil)
	_, err := send(t, d.Addr(), "anna@client.example", []string{d.cfg.ControlAddress()},
		submittedMail("anna@client.example", d.cfg.ControlAddress(), "ctl"))
	if smtpCode(err) != "550 5.7.1" || !strings.Contains(err.Error(), "Not taken: no commands found") {
		t.Fatalf("mail to %s: %v, want 550 5.7.1 at DATA saying what a control mail holds", d.cfg.ControlAddress(), err)
	}
}

// A certificate that does not load stops the start and names the key; a
// submission listener without smtp.submission_listen is refused; Close
// stops the submission listener.
func TestSubmissionStartAndClose(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	cfg := testConfig(t)
	cfg.SMTP.Listen, cfg.SMTP.SubmissionListen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.SMTP.TLSCert = filepath.Join(t.TempDir(), "missing.pem")
	cfg.SMTP.TLSKey = cfg.SMTP.TLSCert
	if _, err := StartWith(context.Background(), cfg, testDeps(clock, &fakeDNS{}), Listeners{}); err == nil ||
		!strings.HasPrefix(err.Error(), "smtp.tls_cert:") {
		t.Errorf("start with a missing certificate: %v, want an error naming smtp.tls_cert", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	plain := testConfig(t)
	if _, err := StartWith(context.Background(), plain, testDeps(clock, &fakeDNS{}), Listeners{Submission: ln}); err == nil ||
		!strings.Contains(err.Error(), "smtp.submission_listen") {
		t.Errorf("submission listener without the key: %v, want an error naming smtp.submission_listen", err)
	}

	cfg.SMTP.TLSCert, cfg.SMTP.TLSKey, _ = selfSigned(t)
	d, err := StartWith(context.Background(), cfg, testDeps(clock, &fakeDNS{}), Listeners{})
	if err != nil {
		t.Fatalf("start listening on both: %v", err)
	}
	addr := d.SubmissionAddr()
	if addr == "" || addr == d.Addr() {
		t.Fatalf("submission address %q (public %q)", addr, d.Addr())
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("submission listener %s still open after Close", addr)
	}
}
