package gateway

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/threading"
	"postdesk/ticket"
)

const firstMail = `From: Anna Client <anna@client.example>
To: support@desk.example
Cc: Bob Keyuser <bob@client.example>
Subject: Severity 1 - Acme Freight - labels not printing
Message-ID: <m1@client.example>
Date: Mon, 23 Nov 2026 08:55:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Since 08:30 NZDT no label prints for any order.
`

// The walking skeleton end to end: a new mail over SMTP becomes TKT-1 in the
// SQLite file before the 250, the acknowledgement reaches the relay with
// headers that thread, and a reply to it joins the same ticket.
func TestConversationOverSMTP(t *testing.T) {
	d := startDesk(t, testConfig(t), true)
	ctx := context.Background()

	text, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail))
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if !strings.Contains(text, "TKT-1") {
		t.Errorf("250 text %q does not name the ticket", text)
	}
	// Committed before the 250: readable at once through another connection.
	tk, err := d.Store.Ticket(ctx, "TKT", 1)
	if err != nil {
		t.Fatalf("ticket after 250: %v", err)
	}
	if tk.Severity != 1 || tk.Client != "Acme Freight" || tk.Summary != "labels not printing" ||
		tk.Requester != "anna@client.example" || tk.Status != "new" ||
		!slices.Equal(tk.Participants, []string{"bob@client.example"}) {
		t.Errorf("ticket = %+v", tk)
	}
	raws, err := d.Store.RawMessages(ctx, "")
	if err != nil || len(raws) != 1 || !bytes.Equal(raws[0].Raw, crlf(firstMail)) {
		t.Fatalf("raw message not kept byte for byte: %v %+v", err, raws)
	}

	ack := d.relay.wait(t)
	if !strings.HasPrefix(ack.From, "bounces+1.") || !slices.Equal(ack.To, []string{"anna@client.example"}) { // VERP: bounce_test.go
		t.Errorf("ack envelope = %s -> %v", ack.From, ack.To)
	}
	h := header(t, ack.Data)
	match := threading.NewMatcher("TKT", "desk.example")
	ackID := strings.Trim(h.Get("Message-Id"), "<>")
	if n, ok := match.OwnRef(ackID); !ok || n != 1 {
		t.Errorf("ack Message-ID %q is not ours for TKT-1", ackID)
	}
	for name, want := range map[string]string{
		"Subject":        "[TKT-1] labels not printing",
		"In-Reply-To":    "<m1@client.example>",
		"References":     "<TKT-1@desk.example> <m1@client.example>",
		"Auto-Submitted": "auto-replied",
		"To":             "<anna@client.example>",
		"X-Loop":         "support@desk.example",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("ack %s = %q, want %q", name, got, want)
		}
	}
	secret, err := ReplySecret(ctx, d.Store, d.cfg, testDeps(d.clock, d.dns))
	if err != nil {
		t.Fatal(err)
	}
	replyTo := strings.Trim(h.Get("Reply-To"), "<>")
	if ref, tok, ok := match.ParseReplyAddress("support@desk.example", "+", replyTo); !ok || ref != "TKT-1" ||
		!threading.VerifyToken(secret, "TKT-1", "anna@client.example", tok) {
		t.Errorf("ack Reply-To %q is not Anna's reply address of TKT-1", replyTo)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("ack Content-Type = %q, want multipart/alternative", h.Get("Content-Type"))
	}
	parsed, _ := parser.Parse(ack.Data)
	if !strings.Contains(parsed.Text, "TKT-1") || !strings.Contains(parsed.HTML, "<strong>TKT-1</strong>") {
		t.Errorf("ack bodies lack the reference:\n%s\n%s", parsed.Text, parsed.HTML)
	}

	// Reply as a mail client does: In-Reply-To and References, "RE:" subject.
	reply := fmt.Sprintf("From: anna@client.example\nTo: support@desk.example\nSubject: RE: [TKT-1] labels not printing\n"+
		"Message-ID: <m2@client.example>\nIn-Reply-To: <%s>\nReferences: <TKT-1@desk.example> <m1@client.example> <%s>\n\n"+
		"It happens for AU to NZ only.\n", ackID, ackID)
	text, err = send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(reply))
	if err != nil || !strings.Contains(text, "added to ticket TKT-1") {
		t.Fatalf("reply: %q, %v", text, err)
	}
	tk, err = d.Store.Ticket(ctx, "TKT", 1)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, m := range tk.Messages {
		dirs = append(dirs, string(m.Direction))
	}
	if !slices.Equal(dirs, []string{"in", "out", "in"}) || tk.Messages[2].Text != "It happens for AU to NZ only.\n" {
		t.Fatalf("thread = %v, last text %q", dirs, tk.Messages[len(tk.Messages)-1].Text)
	}
	if list, _ := d.Store.ListTickets(ctx, store.TicketFilter{}); len(list) != 1 {
		t.Fatalf("a reply opened a new ticket: %d tickets", len(list))
	}
	// The relay has the ack; the worker records "sent" just after.
	var out []store.OutboxMail
	waitFor(t, func() bool {
		out, _ = d.Store.Outbox(ctx)
		return len(out) > 0 && out[0].State == store.OutboxSent
	})
	if len(out) != 1 {
		t.Fatalf("outbox after the reply = %+v (the reply must not be acknowledged)", out)
	}
}

// A subject naming a ticket threads onto it whatever the localized prefix; a
// subject naming a ticket that does not exist opens a new one.
func TestSubjectReferenceThreads(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	ctx := context.Background()
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct{ subject, wantRef string }{
		{"Re: [TKT-1] labels not printing", "TKT-1"},
		{"AW: Antw: tkt-1 noch offen", "TKT-1"},
		{"R: I: WG: Fwd: the TKT-1 issue", "TKT-1"},
		{"[TKT-99] something else", "TKT-2"},
		{"about TKT-12 and more", "TKT-3"},
	} {
		raw := fmt.Sprintf("From: anna@client.example\nTo: support@desk.example\nSubject: %s\nMessage-ID: <s%d@client.example>\n\nbody\n", tc.subject, i)
		text, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(raw))
		if err != nil || !strings.Contains(text, tc.wantRef) {
			t.Errorf("%q: reply %q, %v; want %s", tc.subject, text, err, tc.wantRef)
		}
	}
	tk, _ := d.Store.Ticket(ctx, "TKT", 1)
	if len(tk.Messages) != 1+3+1 { // first mail, its ack, three replies
		t.Errorf("TKT-1 has %d messages, want 5", len(tk.Messages))
	}
}

func TestDuplicateDeliveryStoredOnce(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	ctx := context.Background()
	for i := range 2 {
		text, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail))
		if err != nil {
			t.Fatalf("delivery %d: %v", i+1, err)
		}
		if i == 1 && !strings.Contains(text, "Already received") {
			t.Errorf("second delivery answered %q", text)
		}
	}
	raws, _ := d.Store.RawMessages(ctx, "")
	list, _ := d.Store.ListTickets(ctx, store.TicketFilter{})
	out, _ := d.Store.Outbox(ctx)
	if len(raws) != 1 || len(list) != 1 || len(out) != 1 {
		t.Fatalf("after two deliveries: %d raw, %d tickets, %d outbox rows; want 1 each", len(raws), len(list), len(out))
	}
}

func TestRecipientOutsideDeskRefused(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	for _, rcpt := range []string{"someone@elsewhere.example", "sales@desk.example", "support@desk.example.evil"} {
		_, err := send(t, d.Addr(), "anna@client.example", []string{rcpt}, crlf(firstMail))
		if smtpCode(err) != "550 5.1.1" || !strings.Contains(err.Error(), "support@desk.example") {
			t.Errorf("RCPT %s: %v, want 550 5.1.1 naming the desk address", rcpt, err)
		}
	}
	// Sub-addresses of the desk are the desk (RFC 5233).
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"Support+TKT-1@desk.example"}, crlf(firstMail)); err != nil {
		t.Errorf("sub-address refused: %v", err)
	}
}

func TestOversizeMailRefused(t *testing.T) {
	cfg := testConfig(t)
	cfg.SMTP.MaxMessageBytes = 4096
	d := startDesk(t, cfg, false)
	big := firstMail + strings.Repeat("padding line of a far too long mail\n", 200)
	_, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(big))
	if smtpCode(err) != "552 5.3.4" || !strings.Contains(err.Error(), "4 KiB") {
		t.Fatalf("oversize mail: %v, want 552 stating the 4 KiB limit", err)
	}
	if list, _ := d.Store.ListTickets(context.Background(), store.TicketFilter{}); len(list) != 0 {
		t.Fatalf("oversize mail made %d tickets", len(list))
	}
}

// A size declared at MAIL (RFC 1870 SIZE=) over the limit is refused at
// MAIL with the desk's own sentence stating the limit; one within it is taken.
func TestOversizeDeclaredAtMailRefused(t *testing.T) {
	cfg := testConfig(t)
	cfg.SMTP.MaxMessageBytes = 4096
	d := startDesk(t, cfg, false)
	c, err := smtp.Dial(d.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	err = c.Mail("anna@client.example", &smtp.MailOptions{Size: 4097})
	if smtpCode(err) != "552 5.3.4" || !strings.Contains(err.Error(), "at most 4 KiB") {
		t.Fatalf("MAIL SIZE=4097: %v, want 552 5.3.4 stating the 4 KiB limit", err)
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	raw := crlf(firstMail)
	if err := c.Mail("anna@client.example", &smtp.MailOptions{Size: int64(len(raw))}); err != nil {
		t.Fatalf("MAIL SIZE=%d within the limit: %v", len(raw), err)
	}
	if err := c.Rcpt("support@desk.example", nil); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := w.Close(); err != nil {
		t.Fatalf("mail within the declared size: %v", err)
	}
}

// rawSMTP is a client speaking SMTP by hand, for what go-smtp's client does
// not send: BDAT (RFC 3030).
type rawSMTP struct {
	t    *testing.T
	conn net.Conn
	tp   *textproto.Conn
}

func dialRaw(t *testing.T, addr string) *rawSMTP {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &rawSMTP{t: t, conn: conn, tp: textproto.NewConn(conn)}
	c.expect(220, "")
	if text := c.cmd(250, "EHLO client.test"); !strings.Contains(text, "CHUNKING") {
		t.Fatalf("EHLO does not offer CHUNKING: %q", text)
	}
	return c
}

// cmd sends one command line and returns the reply text, failing the test
// unless the reply code is want.
func (c *rawSMTP) cmd(want int, format string, args ...any) string {
	c.t.Helper()
	if err := c.tp.PrintfLine(format, args...); err != nil {
		c.t.Fatal(err)
	}
	return c.expect(want, format)
}

func (c *rawSMTP) expect(want int, what string) string {
	c.t.Helper()
	code, text, err := c.tp.ReadResponse(0)
	if code != want {
		c.t.Fatalf("%s: reply %d %q (%v), want %d", what, code, text, err, want)
	}
	return text
}

// bdat sends one BDAT chunk (RFC 3030 section 2) and returns the reply.
func (c *rawSMTP) bdat(chunk []byte, last bool) (int, string) {
	c.t.Helper()
	line := fmt.Sprintf("BDAT %d", len(chunk))
	if last {
		line += " LAST"
	}
	if _, err := fmt.Fprintf(c.tp.W, "%s\r\n", line); err != nil {
		c.t.Fatal(err)
	}
	c.tp.W.Write(chunk)
	if err := c.tp.W.Flush(); err != nil {
		c.t.Fatal(err)
	}
	code, text, _ := c.tp.ReadResponse(0)
	return code, text
}

// Mail sent with BDAT: a mail in several chunks within the limit is taken
// and stored byte for byte with nothing logged as an error; a chunk that
// takes the mail over the limit gets 552 stating the limit, and the session
// stays in step (RSET, then the next mail is taken).
func TestBDATMailSizes(t *testing.T) {
	cfg := testConfig(t)
	cfg.SMTP.MaxMessageBytes = 4096
	logs := &syncWriter{w: &bytes.Buffer{}}
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	deps := testDeps(clock, &fakeDNS{})
	deps.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := startDaemon(t, cfg, deps)
	ctx := context.Background()

	c := dialRaw(t, d.Addr())
	raw := crlf(firstMail)
	c.cmd(250, "MAIL FROM:<anna@client.example>")
	c.cmd(250, "RCPT TO:<support@desk.example>")
	third := len(raw) / 3
	for i, chunk := range [][]byte{raw[:third], raw[third : 2*third], raw[2*third:]} {
		code, text := c.bdat(chunk, i == 2)
		if code != 250 {
			t.Fatalf("BDAT chunk %d: %d %q", i+1, code, text)
		}
		if i == 2 && !strings.Contains(text, "TKT-1") {
			t.Fatalf("last BDAT chunk: %q, want the ticket named", text)
		}
	}
	raws, _ := d.Store.RawMessages(ctx, store.RawProcessed)
	if len(raws) != 1 || !bytes.Equal(raws[0].Raw, raw) {
		t.Fatalf("chunked mail not kept byte for byte: %+v", raws)
	}

	// Over the limit in the second chunk.
	c.cmd(250, "MAIL FROM:<carl@client.example>")
	c.cmd(250, "RCPT TO:<support@desk.example>")
	if code, text := c.bdat(crlf("From: carl@client.example\nSubject: big\n\n"), false); code != 250 {
		t.Fatalf("first chunk: %d %q", code, text)
	}
	code, text := c.bdat([]byte(strings.Repeat(strings.Repeat("x", 78)+"\r\n", 70)), false)
	if code != 552 || !strings.Contains(text, "at most 4 KiB") {
		t.Fatalf("over-size BDAT chunk: %d %q, want 552 stating the 4 KiB limit", code, text)
	}
	c.cmd(250, "RSET")

	// A single over-size chunk, then a good mail on the same connection.
	c.cmd(250, "MAIL FROM:<carl@client.example>")
	c.cmd(250, "RCPT TO:<support@desk.example>")
	if code, text := c.bdat([]byte(strings.Repeat(strings.Repeat("y", 78)+"\r\n", 120)), true); code != 552 || !strings.Contains(text, "at most 4 KiB") {
		t.Fatalf("over-size last chunk: %d %q", code, text)
	}
	c.cmd(250, "RSET")
	c.cmd(250, "MAIL FROM:<dora@client.example>")
	c.cmd(250, "RCPT TO:<support@desk.example>")
	second := crlf("From: dora@client.example\nTo: support@desk.example\nSubject: small one\nMessage-ID: <d1@client.example>\n\nHello.\n")
	if code, text := c.bdat(second, true); code != 250 || !strings.Contains(text, "TKT-2") {
		t.Fatalf("mail after the refused ones: %d %q, want TKT-2", code, text)
	}
	c.cmd(221, "QUIT")

	if list, _ := d.Store.ListTickets(ctx, store.TicketFilter{}); len(list) != 2 {
		t.Fatalf("%d tickets, want 2 (the over-size mails make none)", len(list))
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("BDAT mails logged an error:\n%s", logs.String())
	}
}

func TestUnparsableMailStillMakesTicket(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	raw := crlf("From: dave@client.example\nTo: support@desk.example\nSubject: broken\nMessage-ID: <b1@client.example>\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"never-seen\"\n\nno parts here at all\n" +
		"--wrong\nContent-Type: text/plain\n\nhalf a part\n")
	if _, err := send(t, d.Addr(), "dave@client.example", []string{"support@desk.example"}, raw); err != nil {
		t.Fatalf("broken mail refused: %v", err)
	}
	tk, err := d.Store.Ticket(context.Background(), "TKT", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Messages) == 0 || len(tk.Messages[0].Problems) == 0 {
		t.Fatalf("no parse problem recorded: %+v", tk.Messages)
	}
	raws, _ := d.Store.RawMessages(context.Background(), store.RawProcessed)
	if len(raws) != 1 || !bytes.Equal(raws[0].Raw, raw) || raws[0].Ref != "TKT-1" {
		t.Fatalf("raw not kept byte for byte on TKT-1: %+v", raws)
	}
}

// Mail written by machines makes or joins a ticket but is never answered.
func TestAutomatedMailIsNotAnswered(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	ooo := "From: eve@client.example\nTo: support@desk.example\nSubject: Out of office\nAuto-Submitted: auto-replied\n" +
		"Message-ID: <o1@client.example>\n\nI am away.\n"
	if _, err := send(t, d.Addr(), "eve@client.example", []string{"support@desk.example"}, crlf(ooo)); err != nil {
		t.Fatal(err)
	}
	bounce := "From: MAILER-DAEMON@mx.client.example\nTo: support@desk.example\nSubject: Undelivered Mail\n" +
		"Message-ID: <d1@mx.client.example>\n\nDelivery failed.\n"
	if _, err := send(t, d.Addr(), "", []string{"support@desk.example"}, crlf(bounce)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if list, _ := d.Store.ListTickets(ctx, store.TicketFilter{}); len(list) != 2 {
		t.Fatalf("want both kept as tickets, got %d", len(list))
	}
	if out, _ := d.Store.Outbox(ctx); len(out) != 0 {
		t.Fatalf("automated mail was answered: %+v", out)
	}
}

func header(t *testing.T, raw []byte) mail.Header {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read relayed mail: %v", err)
	}
	return m.Header
}

// The reply address alone threads: a reply to it with no threading headers
// and a new subject joins the ticket, proven; the same address used by
// someone else proves nothing and threads nothing.
func TestReplyTokenThreads(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	ctx := context.Background()
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	out, _ := d.Store.Outbox(ctx)
	if len(out) != 1 || !strings.HasPrefix(out[0].ReplyTo, "support+TKT-1.") {
		t.Fatalf("outbox reply-to = %+v", out)
	}
	replyTo := out[0].ReplyTo
	plain := "From: anna@client.example\nTo: " + replyTo + "\nSubject: one more thing\nMessage-ID: <t1@client.example>\n\nAlso NZ.\n"
	if text, err := send(t, d.Addr(), "anna@client.example", []string{replyTo}, crlf(plain)); err != nil || !strings.Contains(text, "TKT-1") {
		t.Fatalf("reply to the token address: %q %v", text, err)
	}
	forged := "From: mallory@evil.example\nTo: " + replyTo + "\nSubject: one more thing\nMessage-ID: <t2@evil.example>\n\nhello\n"
	if text, err := send(t, d.Addr(), "mallory@evil.example", []string{replyTo}, crlf(forged)); err != nil || !strings.Contains(text, "TKT-2") {
		t.Fatalf("someone else at the token address: %q %v", text, err)
	}
	if tk := status(t, d, 1); len(tk.Messages) != 3 {
		t.Errorf("TKT-1 has %d messages, want mail, ack, reply", len(tk.Messages))
	}
}

// syncWriter serialises writes of concurrent loggers into w.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

// A stranger's mail that names an existing ticket (by its headers and its
// subject) opens a new ticket under desk.strangers = "new_ticket"; agents
// see the two tickets linked both ways, and the stranger is told nothing of
// the old ticket.
func TestStrangerTicketLinkedToTheNamedOne(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	ctx := context.Background()
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	raw := crlf("From: zed@other.example\nTo: support@desk.example\nSubject: RE: [TKT-1] help\n" +
		"In-Reply-To: <m1@client.example>\nMessage-ID: <z1@other.example>\n\nIs this solved?\n")
	text, err := send(t, d.Addr(), "zed@other.example", []string{"support@desk.example"}, raw)
	if err != nil || !strings.Contains(text, "TKT-2") {
		t.Fatalf("stranger's mail: %q %v, want new ticket TKT-2", text, err)
	}
	newTk, err := d.Store.Ticket(ctx, "TKT", 2)
	if err != nil {
		t.Fatal(err)
	}
	oldTk, err := d.Store.Ticket(ctx, "TKT", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(newTk.Linked, []string{"TKT-1"}) || !slices.Equal(oldTk.Linked, []string{"TKT-2"}) {
		t.Fatalf("links: TKT-2 %v, TKT-1 %v; want them linked to each other", newTk.Linked, oldTk.Linked)
	}
	said := false
	for _, e := range oldTk.Events {
		said = said || (e.Type == ticket.EventLinked && strings.Contains(e.Reason, "zed@other.example") &&
			strings.Contains(e.Reason, "TKT-2"))
	}
	if !said {
		t.Errorf("TKT-1's history does not say who named it and what it opened: %+v", oldTk.Events)
	}
	if n := mailsIn(oldTk); n != 1 {
		t.Errorf("the stranger's mail joined TKT-1: %d mails in", n)
	}
	all, _ := d.Store.Outbox(ctx)
	toZed := 0
	for _, o := range all {
		if o.RcptTo != "zed@other.example" {
			continue
		}
		toZed++
		mail := o.Subject + "\n" + o.Text + "\n" + o.HTML
		for _, secret := range []string{"Acme", "anna", "Since 08:30", "labels", "m1@client.example"} {
			if o.Ref != "TKT-2" || strings.Contains(mail, secret) || slices.ContainsFunc(o.References,
				func(r string) bool { return strings.Contains(r, "TKT-1") }) {
				t.Errorf("mail to the stranger tells of TKT-1 (%q, ref %s, references %v):\n%s", secret, o.Ref, o.References, mail)
				break
			}
		}
	}
	if toZed != 1 {
		t.Fatalf("%d mails to the stranger, want the one acknowledgement of TKT-2", toZed)
	}
}
