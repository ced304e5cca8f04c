package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"postdesk/store"
)

// relayRootsEnv carries the test certificate and key to the child process
// of TestRelayTLSAndAuth.
const relayRootsEnv = "POSTDESK_TEST_RELAY_CERT"

// The relay config keys work: with relay.tls = "starttls" (RFC 3207) or
// "tls" (implicit TLS, RFC 8314) the desk's mail reaches a relay over an
// encrypted connection whose certificate is checked, and with
// relay.username/password it logs in with SMTP AUTH PLAIN (RFC 4954) on a
// relay that offers AUTH only over TLS; a wrong password delivers nothing.
//
// The desk checks the relay's certificate against the system roots, which
// Go reads once per process; so the test runs itself again in a child
// process whose SSL_CERT_FILE is the test certificate.
func TestRelayTLSAndAuth(t *testing.T) {
	pair := os.Getenv(relayRootsEnv)
	if pair == "" {
		certFile, keyFile, _ := selfSigned(t)
		cmd := exec.Command(os.Args[0], "-test.run=^TestRelayTLSAndAuth$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+certFile, "SSL_CERT_DIR=", relayRootsEnv+"="+certFile+","+keyFile)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child test: %v\n%s", err, out)
		}
		for _, sub := range []string{"starttls", "tls", "wrong_password"} {
			if !strings.Contains(string(out), "--- PASS: TestRelayTLSAndAuth/"+sub) {
				t.Fatalf("child test did not pass %s:\n%s", sub, out)
			}
		}
		return
	}
	certFile, keyFile, _ := strings.Cut(pair, ",")
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}

	for _, tc := range []struct {
		name, mode, password string
		delivered            bool
	}{
		{"starttls", "starttls", "relay secret", true},
		{"tls", "tls", "relay secret", true},
		{"wrong_password", "starttls", "guessed", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startAuthRelay(t, tlsConfig, tc.mode == "tls")
			cfg := testConfig(t)
			host, port, _ := net.SplitHostPort(r.addr)
			cfg.Relay.Host = host
			cfg.Relay.Port, _ = strconv.Atoi(port)
			cfg.Relay.TLS = tc.mode
			cfg.Relay.Username = "desk@relay.test"
			cfg.Relay.Password = tc.password
			d := startDesk(t, cfg, false)
			if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
				t.Fatal(err)
			}
			if !tc.delivered {
				// The refused login is recorded on the mail, which is not
				// sent, and nothing arrives.
				waitOutboxRow(t, d, func(o store.OutboxMail) bool {
					return o.Attempts > 0 && strings.Contains(strings.ToLower(o.LastError), "auth")
				})
				if n := r.count(); n != 0 {
					t.Fatalf("relay received %d mails with a wrong password", n)
				}
				return
			}
			select {
			case m := <-r.mails:
				if !m.tls || m.user != "desk@relay.test" {
					t.Fatalf("mail arrived with TLS %v as %q, want TLS and AUTH as desk@relay.test", m.tls, m.user)
				}
				if len(m.to) != 1 || m.to[0] != "anna@client.example" || !strings.Contains(string(m.data), "[TKT-1]") {
					t.Fatalf("relayed mail to %v:\n%s", m.to, m.data)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no mail reached the relay within 10s")
			}
		})
	}
}

// waitOutboxRow waits until the desk's single outbox mail satisfies ok.
func waitOutboxRow(t *testing.T, d *desk, ok func(store.OutboxMail) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		all, err := d.Store.Outbox(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(all) == 1 && ok(all[0]) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	all, _ := d.Store.Outbox(context.Background())
	t.Fatalf("outbox never reached the awaited state: %+v", all)
}

// authRelay is a real go-smtp relay that takes mail only from a client
// that logged in with PLAIN as desk@relay.test / "relay secret", and offers
// AUTH only over TLS (AllowInsecureAuth false).
type authRelay struct {
	addr  string
	mails chan authRelayed
	mu    sync.Mutex
	n     int
}

type authRelayed struct {
	tls  bool
	user string
	from string
	to   []string
	data []byte
}

func (r *authRelay) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

func startAuthRelay(t *testing.T, tlsConfig *tls.Config, implicitTLS bool) *authRelay {
	t.Helper()
	r := &authRelay{mails: make(chan authRelayed, 10)}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &authRelaySession{r: r, tls: isTLS}, nil
	}))
	s.Domain = "relay.test"
	s.TLSConfig = tlsConfig
	s.AllowInsecureAuth = false
	s.ErrorLog = nopLogger{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicitTLS {
		ln = tls.NewListener(ln, tlsConfig)
	}
	r.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return r
}

type authRelaySession struct {
	r    *authRelay
	tls  bool
	user string
	from string
	to   []string
}

func (s *authRelaySession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *authRelaySession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != "desk@relay.test" || password != "relay secret" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.user = username
		return nil
	}), nil
}

func (s *authRelaySession) Reset()        { s.from, s.to = "", nil }
func (s *authRelaySession) Logout() error { return nil }

func (s *authRelaySession) Mail(from string, _ *smtp.MailOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *authRelaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *authRelaySession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.user == "" {
		return errors.New("not authenticated")
	}
	s.r.mu.Lock()
	s.r.n++
	s.r.mu.Unlock()
	s.r.mails <- authRelayed{tls: s.tls, user: s.user, from: s.from, to: s.to, data: data}
	return nil
}
