package gateway

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"postdesk/store"
	"postdesk/ticket"
)

// startWithRelay starts a desk of cfg on ln whose relay is relayAddr.
func startWithRelay(t *testing.T, cfg Config, ln net.Listener, relayAddr string, clock *fakeClock) *Daemon {
	t.Helper()
	host, port, _ := net.SplitHostPort(relayAddr)
	cfg.Relay.Host = host
	cfg.Relay.Port, _ = strconv.Atoi(port)
	d, err := Start(context.Background(), cfg, testDeps(clock, &fakeDNS{}), ln)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// waitOutbox waits until st has n outbox rows and none is pending, and
// returns them.
func waitOutbox(t *testing.T, st *store.Store, n int) []store.OutboxMail {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows, err := st.Outbox(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, o := range rows {
			if o.State == store.OutboxPending {
				pending++
			}
		}
		if len(rows) >= n && pending == 0 {
			return rows
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox: want %d rows sent, have %+v", n, rows)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Two desks that mail each other settle after one automatic answer: A
// acknowledges a mail from B's address; B sees A's RFC 3834 marks, opens a
// ticket for its agents and answers nothing.
func TestTwoDesksDoNotLoop(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	lnA, lnB := listen(t), listen(t)
	cfgA, cfgB := testConfig(t), testConfig(t)
	cfgA.Desk.Domain, cfgA.Desk.Prefix = "a.example", "A"
	cfgB.Desk.Domain, cfgB.Desk.Prefix = "b.example", "B"
	a := startWithRelay(t, cfgA, lnA, lnB.Addr().String(), clock)
	b := startWithRelay(t, cfgB, lnB, lnA.Addr().String(), clock)

	raw := "From: B desk <support@b.example>\nTo: support@a.example\nSubject: stock report\nMessage-ID: <start@b.example>\n\nhello\n"
	if _, err := send(t, a.Addr(), "support@b.example", []string{"support@a.example"}, crlf(raw)); err != nil {
		t.Fatal(err)
	}
	// A's one acknowledgement is committed at B before the relay (B) says
	// 250 to A, so once it is sent, B has done all it will do.
	rowsA := waitOutbox(t, a.Store, 1)
	if len(rowsA) != 1 || rowsA[0].Kind != "ack" || rowsA[0].State != store.OutboxSent {
		t.Fatalf("A sent %+v, want one acknowledgement", rowsA)
	}
	rowsB, err := b.Store.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rowsB) != 0 {
		t.Fatalf("B answered A's automatic mail: %+v", rowsB)
	}
	tk, err := b.Store.Ticket(context.Background(), "B", 1)
	if err != nil {
		t.Fatalf("B kept no ticket of A's mail: %v", err)
	}
	if !hasEvent(tk, "no acknowledgement: the mail is automated") {
		t.Errorf("B-1 does not say why it was not acknowledged: %+v", tk.Events)
	}
}

// responder is a naive autoresponder standing in for a customer's mail
// system: it answers every mail it receives with a new mail to the
// sender's From, without any RFC 3834 mark. With threads it keeps the
// subject and In-Reply-To, as vacation programs do; without, it writes a
// fresh mail each time, the worst case.
type responder struct {
	mu      sync.Mutex
	desk    string // where its answers go
	threads bool
	n       int
	answers chan error
}

func startResponder(t *testing.T, threads bool) (*responder, string) {
	t.Helper()
	r := &responder{threads: threads, answers: make(chan error, 100)}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &responderSession{r: r}, nil }))
	s.Domain = "responder.test"
	s.ErrorLog = nopLogger{}
	ln := listen(t)
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return r, ln.Addr().String()
}

type responderSession struct{ r *responder }

func (s *responderSession) Reset()                               {}
func (s *responderSession) Logout() error                        { return nil }
func (s *responderSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *responderSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *responderSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	s.r.n++
	n, desk, threads := s.r.n, s.r.desk, s.r.threads
	s.r.mu.Unlock()
	from, _ := mail.ParseAddress(m.Header.Get("From"))
	to, _ := mail.ParseAddress(m.Header.Get("To"))
	answer := fmt.Sprintf("From: %s\nTo: %s\nMessage-ID: <auto%d@client.example>\n", to.Address, from.Address, n)
	if threads {
		answer += "Subject: Re: " + m.Header.Get("Subject") + "\nIn-Reply-To: " + m.Header.Get("Message-Id") + "\n"
	} else {
		answer += "Subject: Thank you for your message\n"
	}
	answer += "\nThank you for your message. I will read it when I am back.\n"
	// Answer after this session's 250, as a real autoresponder would.
	go func() {
		c, err := smtp.Dial(desk)
		if err == nil {
			defer c.Close()
			if err = c.Hello("responder.test"); err == nil {
				_, err = transact(c, to.Address, []string{from.Address}, crlf(answer))
			}
		}
		s.r.answers <- err
	}()
	return nil
}

func (r *responder) setDesk(addr string) {
	r.mu.Lock()
	r.desk = addr
	r.mu.Unlock()
}

func (r *responder) wait(t *testing.T) {
	t.Helper()
	select {
	case err := <-r.answers:
		if err != nil {
			t.Fatalf("autoresponder's answer: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the autoresponder did not answer within 10s")
	}
}

// A desk talking to an autoresponder that threads its answers settles after
// one automatic answer: the answer joins the ticket and is not answered.
func TestAutoresponderSettles(t *testing.T) {
	r, addr := startResponder(t, true)
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	ln := listen(t)
	r.setDesk(ln.Addr().String())
	d := startWithRelay(t, testConfig(t), ln, addr, clock)
	raw := "From: anna@client.example\nTo: support@desk.example\nSubject: printer\nMessage-ID: <p1@client.example>\n\nbroken\n"
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(raw)); err != nil {
		t.Fatal(err)
	}
	r.wait(t) // its answer is committed at the desk
	rows := waitOutbox(t, d.Store, 1)
	if len(rows) != 1 {
		t.Fatalf("the desk answered the autoresponder: %+v", rows)
	}
	tk, err := d.Store.Ticket(context.Background(), "TKT", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Messages) != 3 { // anna's mail, the acknowledgement, the auto answer
		t.Errorf("TKT-1 has %d messages, want 3", len(tk.Messages))
	}
}

// The worst case, an autoresponder that writes a fresh mail each time so
// that every answer opens a new ticket, is stopped by the per-address
// limit; the ticket whose acknowledgement was held says so.
func TestAutoresponderLoopIsCut(t *testing.T) {
	r, addr := startResponder(t, false)
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	ln := listen(t)
	r.setDesk(ln.Addr().String())
	cfg := testConfig(t)
	cfg.Notify.PerAddressPerHour = 3
	d := startWithRelay(t, cfg, ln, addr, clock)
	raw := "From: anna@client.example\nTo: support@desk.example\nSubject: printer\nMessage-ID: <p1@client.example>\n\nbroken\n"
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(raw)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		r.wait(t)
	}
	rows := waitOutbox(t, d.Store, 3)
	if len(rows) != 3 {
		t.Fatalf("%d automatic mails to one address, want 3: %+v", len(rows), rows)
	}
	tk, err := d.Store.Ticket(context.Background(), "TKT", 4)
	if err != nil {
		t.Fatalf("the third answer opened no ticket: %v", err)
	}
	if !hasEvent(tk, "ack mail to anna@client.example not sent: more than 3 mails an hour to this address in all (loop protection)") {
		t.Errorf("TKT-4 does not say why it was not acknowledged: %+v", tk.Events)
	}
	select {
	case err := <-r.answers:
		t.Fatalf("the autoresponder was mailed a fourth time (%v)", err)
	default:
	}
}

// An agent's mailbox that answers everything without RFC 3834 marks cannot
// loop with the desk either: each of its answers is an unproven agent's
// answer that earns a transcript, and transcripts to one address about one
// ticket are bounded.
func TestStaffAutoresponderLoopIsCut(t *testing.T) {
	r, addr := startResponder(t, true)
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	ln := listen(t)
	r.setDesk(ln.Addr().String())
	cfg := testConfig(t)
	cfg.Users = []ticket.User{{Email: "bob@desk.example", Role: ticket.RoleAgent}}
	d := startWithRelay(t, cfg, ln, addr, clock)
	raw := "From: anna@client.example\nTo: support@desk.example\nSubject: printer\nMessage-ID: <p1@client.example>\n\nbroken\n"
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(raw)); err != nil {
		t.Fatal(err)
	}
	// Every mail the desk sends earns one answer; the exchange is over when
	// every answer is in and nothing more is pending.
	answers := 0
	var rows []store.OutboxMail
	for {
		var err error
		if rows, err = d.Store.Outbox(context.Background()); err != nil {
			t.Fatal(err)
		}
		pending := slices.ContainsFunc(rows, func(o store.OutboxMail) bool { return o.State == store.OutboxPending })
		if !pending && answers == len(rows) {
			break
		}
		if answers > 20 {
			t.Fatalf("the desk keeps answering: %d mails", len(rows))
		}
		r.wait(t)
		answers++
	}
	transcripts := slices.DeleteFunc(rows, func(o store.OutboxMail) bool { return o.Kind != "transcript" })
	if len(transcripts) != cfg.Notify.PerTicketPerHour {
		t.Errorf("%d transcripts to the agent's autoresponder, want %d", len(transcripts), cfg.Notify.PerTicketPerHour)
	}
	want := "transcript mail to bob@desk.example not sent: more than 4 mails an hour to this address about this ticket (loop protection)"
	tk, err := d.Store.Ticket(context.Background(), "TKT", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !hasEvent(tk, want) {
		t.Errorf("TKT-1 does not say the loop was cut: %+v", tk.Events)
	}
}

func hasEvent(tk ticket.Ticket, reason string) bool {
	for _, e := range tk.Events {
		if strings.Contains(e.Reason, reason) {
			return true
		}
	}
	return false
}
