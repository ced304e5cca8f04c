package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// fakeClock is a settable clock for deterministic timestamps.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// relayed is one mail the test relay received.
type relayed struct {
	From string
	To   []string
	Data []byte
}

// relay is a real go-smtp server standing in for the outbound relay. It
// answers the first failFirst DATA commands with 451, and RCPT of an
// address in refuse with 550.
type relay struct {
	addr      string
	mails     chan relayed
	mu        sync.Mutex
	failFirst int
	refuse    map[string]bool
	// blockAt makes DATA number blockAt (counting from 1) wait for release
	// before answering, after telling blocked.
	blockAt          int
	datas            int
	blocked, release chan struct{}
}

func startRelay(t testing.TB) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return startRelayOn(t, ln)
}

// startRelayOn serves a test relay on ln.
func startRelayOn(t testing.TB, ln net.Listener) *relay {
	t.Helper()
	r := &relay{mails: make(chan relayed, 100), refuse: map[string]bool{}}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &relaySession{r: r}, nil }))
	s.Domain = "relay.test"
	s.ErrorLog = nopLogger{}
	r.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return r
}

type relaySession struct {
	r    *relay
	from string
	to   []string
}

func (s *relaySession) Reset()        { s.from, s.to = "", nil }
func (s *relaySession) Logout() error { return nil }
func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.r.mu.Lock()
	refused := s.r.refuse[to]
	s.r.mu.Unlock()
	if refused {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.to = append(s.to, to)
	return nil
}
func (s *relaySession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	fail := s.r.failFirst > 0
	if fail {
		s.r.failFirst--
	}
	s.r.datas++
	block := s.r.datas == s.r.blockAt
	s.r.mu.Unlock()
	if block {
		s.r.blocked <- struct{}{}
		<-s.r.release
	}
	if fail {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "relay busy"}
	}
	s.r.mails <- relayed{From: s.from, To: s.to, Data: data}
	return nil
}

// wait returns the next mail the relay receives.
func (r *relay) wait(t testing.TB) relayed {
	t.Helper()
	select {
	case m := <-r.mails:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no mail reached the relay within 10s")
		return relayed{}
	}
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

// desk is a running postdesk for a test.
type desk struct {
	*Daemon
	cfg   Config
	clock *fakeClock
	relay *relay
	dns   *fakeDNS
}

// testConfig is the default desk with its database in a temporary folder.
func testConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.Desk.Domain = "desk.example"
	cfg.Database.Path = filepath.Join(t.TempDir(), "desk.db")
	cfg.Outbox.RetryMin = time.Second
	cfg.Outbox.RetryMax = 4 * time.Second
	return cfg
}

// fakeDNS answers TXT queries from a table, so DKIM tests need no network.
type fakeDNS struct {
	mu  sync.Mutex
	txt map[string][]string
}

func (f *fakeDNS) Set(name string, records ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.txt == nil {
		f.txt = map[string][]string{}
	}
	f.txt[name] = records
}

func (f *fakeDNS) LookupTXT(_ context.Context, name string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.txt[name]; ok {
		return r, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func testDeps(clock *fakeClock, dns *fakeDNS) Deps {
	level := slog.LevelError
	if testing.Verbose() {
		level = slog.LevelDebug
	}
	return Deps{Now: clock.Now, Rand: rand.NewChaCha8([32]byte{1}), LookupTXT: dns.LookupTXT,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))}
}

// startDesk starts a desk whose outbound mail goes to a fresh test relay
// (withRelay) or stays in the outbox.
func startDesk(t testing.TB, cfg Config, withRelay bool) *desk {
	t.Helper()
	d := &desk{cfg: cfg, clock: &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}, dns: &fakeDNS{}}
	if withRelay {
		d.relay = startRelay(t)
		host, port, _ := net.SplitHostPort(d.relay.addr)
		d.cfg.Relay.Host = host
		d.cfg.Relay.Port, _ = strconv.Atoi(port)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.Daemon, err = Start(context.Background(), d.cfg, testDeps(d.clock, d.dns), ln)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

// startDaemon starts the desk of cfg with deps on a free 127.0.0.1 port
// and stops it when the test ends.
func startDaemon(t testing.TB, cfg Config, deps Deps) *Daemon {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Start(context.Background(), cfg, deps, ln)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

// send speaks SMTP to addr as a mail client would and returns the DATA
// reply text, or the first error.
func send(t testing.TB, addr, from string, to []string, raw []byte) (string, error) {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		return "", err
	}
	return transact(c, from, to, raw)
}

// transact sends one mail on an open session (MAIL, RCPT, DATA, QUIT) and
// returns the DATA reply text, or the first error.
func transact(c *smtp.Client, from string, to []string, raw []byte) (string, error) {
	if err := c.Mail(from, nil); err != nil {
		return "", err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return "", err
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(w, bytes.NewReader(raw)); err != nil {
		return "", err
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", err
	}
	_ = c.Quit()
	return resp.StatusText, nil
}

// smtpCode returns the reply code and enhanced code (RFC 3463) of an SMTP
// error as "550 5.1.1", or "" when err is not one.
func smtpCode(err error) string {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return ""
	}
	return fmt.Sprintf("%d %d.%d.%d", se.Code, se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
}

// crlf turns a mail written with \n into wire form.
func crlf(s string) []byte { return bytes.ReplaceAll([]byte(s), []byte("\n"), []byte("\r\n")) }
