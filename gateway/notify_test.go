package gateway

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/templates"
	"postdesk/ticket"
)

// matrixDesk is a desk of three agents in two departments, a customer
// organisation with its account manager, and people who read German
// (anna), Italian (carl) and Dutch (eve).
func matrixDesk(t *testing.T) *desk {
	t.Helper()
	cfg := testConfig(t)
	cfg.Desk.Departments = []string{"Support", "Billing"}
	cfg.Desk.Participants = ticket.ParticipantsOrganisation
	cfg.Users = []ticket.User{
		{Email: "anna@client.example", Name: "Anna", Org: "Client", Role: ticket.RoleCustomer, Lang: "de"},
		{Email: "carl@client.example", Name: "Carl", Org: "Client", Role: ticket.RoleCustomer, Lang: "it"},
		{Email: "bob@desk.example", Name: "Bob Agent", Role: ticket.RoleAgent, Department: "Support"},
		{Email: "eve@desk.example", Name: "Eve", Role: ticket.RoleAgent, Department: "Support", Lang: "nl"},
		{Email: "zed@desk.example", Name: "Zed", Role: ticket.RoleAgent, Department: "Billing"},
		{Email: "am@desk.example", Name: "Account Manager", Role: ticket.RoleManager},
	}
	cfg.Orgs = []ticket.Org{{Name: "Client", Domains: []string{"client.example"}, Manager: "am@desk.example"}}
	return startDesk(t, cfg, true)
}

// sent is one mail the relay received, with what the outbox says of it.
type sent struct {
	row  store.OutboxMail
	mail relayed
	msg  *parser.Message
}

// step runs do, waits until the outbox has sent every mail it caused, and
// returns them keyed "kind rcpt".
func (d *desk) step(t *testing.T, do func()) map[string]sent {
	t.Helper()
	before := d.outboxRows(t)
	do()
	var rows []store.OutboxMail
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows = d.outboxRows(t)[len(before):]
		if !slices.ContainsFunc(rows, func(o store.OutboxMail) bool { return o.State == store.OutboxPending }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox still pending after 10s: %+v", rows)
		}
		time.Sleep(5 * time.Millisecond)
	}
	byID := map[string]relayed{}
	for range rows {
		m := d.relay.wait(t)
		byID[header(t, m.Data).Get("Message-Id")] = m
	}
	out := map[string]sent{}
	for _, o := range rows {
		m, ok := byID["<"+o.MessageID+">"]
		if !ok {
			t.Fatalf("outbox %d (%s to %s) did not reach the relay", o.ID, o.Kind, o.RcptTo)
		}
		p, err := parser.Parse(m.Data)
		if err != nil {
			t.Fatalf("re-parse %s to %s: %v", o.Kind, o.RcptTo, err)
		}
		key := o.Kind + " " + o.RcptTo
		if _, dup := out[key]; dup {
			t.Fatalf("two %s mails to %s for one step", o.Kind, o.RcptTo)
		}
		out[key] = sent{row: o, mail: m, msg: p}
	}
	return out
}

func (d *desk) outboxRows(t *testing.T) []store.OutboxMail {
	t.Helper()
	rows, err := d.Store.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func keys(m map[string]sent) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func wantMails(t *testing.T, step string, got map[string]sent, want ...string) {
	t.Helper()
	slices.Sort(want)
	if g := keys(got); !slices.Equal(g, want) {
		t.Fatalf("%s: mails sent\n  %s\nwant\n  %s", step, strings.Join(g, "\n  "), strings.Join(want, "\n  "))
	}
}

// One ticket's life under the default matrix: who is told of what, in
// their language, with headers that keep one conversation per recipient.
func TestNotificationMatrixOneTicketsLife(t *testing.T) {
	d := matrixDesk(t)
	anna, carl, bob := "anna@client.example", "carl@client.example", "bob@desk.example"
	mail := func(from, to, id, inReplyTo, body string) func() {
		return func() {
			raw := fmt.Sprintf("From: %s\nTo: %s\nSubject: Re: [TKT-1] labels not printing\nMessage-ID: <%s>\n", from, to, id)
			if inReplyTo != "" {
				raw += "In-Reply-To: <" + inReplyTo + ">\n"
			}
			raw += "\n" + body + "\n"
			if _, err := send(t, d.Addr(), from, []string{to}, crlf(raw)); err != nil {
				t.Fatalf("mail %s: %v", id, err)
			}
		}
	}

	// Anna opens the ticket, copying Carl: she is acknowledged in German;
	// the ticket is in no department yet, so every agent is told.
	got := d.step(t, func() {
		raw := "From: Anna <anna@client.example>\nTo: support@desk.example\nCc: carl@client.example\n" +
			"Subject: Severity 2 - Client - labels not printing\nMessage-ID: <c1@client.example>\n\nNo labels since 9:00.\n"
		if _, err := send(t, d.Addr(), anna, []string{"support@desk.example"}, crlf(raw)); err != nil {
			t.Fatal(err)
		}
	})
	wantMails(t, "open", got, "ack "+anna, "opened "+bob, "opened eve@desk.example", "opened zed@desk.example")
	ack := got["ack "+anna]
	checkHeaders(t, ack, "de", "auto-replied", "c1@client.example")
	if !strings.Contains(got["opened "+bob].msg.Text, "No labels since 9:00.") {
		t.Errorf("the agents' notice lacks the customer's words:\n%s", got["opened "+bob].msg.Text)
	}
	checkHeaders(t, got["opened eve@desk.example"], "nl", "auto-generated", "")

	// Bob takes it into Support and asks a question: Anna and Carl get his
	// answer (which tells the new state), Bob a transcript.
	got = d.step(t, mail(bob, d.replyAddr(t, "TKT-1", bob), "b1@desk.example", ack.row.MessageID,
		"#assign me\n#department Support\n#status on hold\n\nWhich printer model is it?"))
	wantMails(t, "answer", got, "answer "+anna, "answer "+carl, "transcript "+bob)
	checkHeaders(t, got["answer "+anna], "de", "", "c1@client.example")
	checkHeaders(t, got["answer "+carl], "it", "", "")
	if !strings.Contains(got["answer "+carl].msg.Text, "Which printer model is it?") {
		t.Errorf("answer to carl:\n%s", got["answer "+carl].msg.Text)
	}

	// Anna answers: the assignee is told; the state goes back to work,
	// which Carl is told of; Anna, who did it, is not.
	got = d.step(t, mail(anna, d.replyAddr(t, "TKT-1", anna), "c2@client.example", "", "A Zebra ZD420."))
	wantMails(t, "reply", got, "reply "+bob, "status "+carl)
	if !strings.Contains(got["reply "+bob].msg.Text, "A Zebra ZD420.") {
		t.Errorf("reply notice:\n%s", got["reply "+bob].msg.Text)
	}

	// Carl escalates: the account manager and the assignee are told.
	got = d.step(t, mail(carl, d.replyAddr(t, "TKT-1", carl), "c3@client.example", "", "#escalate all depots are affected"))
	wantMails(t, "escalate", got, "escalation am@desk.example", "escalation "+bob, "transcript "+carl)
	if !strings.Contains(got["escalation am@desk.example"].msg.Text, "all depots are affected") {
		t.Errorf("escalation:\n%s", got["escalation am@desk.example"].msg.Text)
	}

	// Bob resolves it: the requester and participant are told how to
	// confirm; Anna's mail answers her own last one.
	got = d.step(t, mail(bob, d.replyAddr(t, "TKT-1", bob), "b2@desk.example", "", "#status resolved\n#resolution fixed"))
	wantMails(t, "resolve", got, "resolved "+anna, "resolved "+carl, "transcript "+bob)
	checkHeaders(t, got["resolved "+anna], "de", "auto-generated", "c2@client.example")

	// Anna confirms: closed; Carl is told, Anna has her transcript.
	got = d.step(t, mail(anna, d.replyAddr(t, "TKT-1", anna), "c4@client.example", "", "#resolved"))
	wantMails(t, "confirm", got, "status "+carl, "transcript "+anna)
	if tk := d.ticket(t, "TKT-1"); tk.Status != ticket.StatusClosed {
		t.Fatalf("TKT-1 is %s", tk.Status)
	}

	// Every mail Anna received names the ticket in one stable subject and
	// shares the root, so her mail client shows one conversation.
	for _, o := range d.outboxRows(t) {
		if o.Subject != "[TKT-1] labels not printing" {
			t.Errorf("%s to %s: subject %q", o.Kind, o.RcptTo, o.Subject)
		}
		if !strings.HasPrefix(o.MessageID, "TKT-1.") || o.References[0] != "TKT-1@desk.example" {
			t.Errorf("%s to %s: Message-ID %q References %v", o.Kind, o.RcptTo, o.MessageID, o.References)
		}
	}
}

// checkHeaders re-parses a sent mail's headers: the recipient's language,
// the RFC 3834 marks, the stable root first in References, and In-Reply-To
// the recipient's own last mail (when inReplyTo is given).
func checkHeaders(t *testing.T, s sent, lang, auto, inReplyTo string) {
	t.Helper()
	h := header(t, s.mail.Data)
	who := s.row.Kind + " to " + s.row.RcptTo
	if got := h.Get("Content-Language"); got != lang {
		t.Errorf("%s: Content-Language %q, want %q", who, got, lang)
	}
	if got := h.Get("Auto-Submitted"); got != auto {
		t.Errorf("%s: Auto-Submitted %q, want %q", who, got, auto)
	}
	if h.Get("X-Auto-Response-Suppress") != "All" {
		t.Errorf("%s: no X-Auto-Response-Suppress: All", who)
	}
	if h.Get("List-Unsubscribe") != "" || h.Get("Precedence") != "" {
		t.Errorf("%s: a transactional mail carries no list headers", who)
	}
	if !strings.HasPrefix(s.msg.MessageID, "TKT-1.") || len(s.msg.References) == 0 || s.msg.References[0] != "TKT-1@desk.example" {
		t.Errorf("%s: Message-ID %q References %v", who, s.msg.MessageID, s.msg.References)
	}
	if inReplyTo != "" && (len(s.msg.InReplyTo) != 1 || s.msg.InReplyTo[0] != inReplyTo) {
		t.Errorf("%s: In-Reply-To %q, want %q", who, s.msg.InReplyTo, inReplyTo)
	}
	if !strings.HasPrefix(s.msg.Text, parser.ReplyMarker) {
		t.Errorf("%s: text does not start with the reply marker:\n%s", who, s.msg.Text)
	}
	if s.msg.HTML == "" {
		t.Errorf("%s: no HTML alternative", who)
	}
	if h.Get("Reply-To") == "" || !strings.Contains(h.Get("Reply-To"), "support+TKT-1.") {
		t.Errorf("%s: Reply-To %q is not the recipient's reply address", who, h.Get("Reply-To"))
	}
}

// An event switched off in the matrix tells nobody.
func TestNotificationEventSwitchedOff(t *testing.T) {
	cfg := testConfig(t)
	cfg.Notify.Opened = []ticket.Audience{ticket.AudienceQueue}
	cfg.Users = []ticket.User{{Email: "bob@desk.example", Role: ticket.RoleAgent}}
	d := startDesk(t, cfg, true)
	got := d.step(t, func() {
		raw := "From: anna@client.example\nTo: support@desk.example\nSubject: printer\nMessage-ID: <o1@client.example>\n\nbroken\n"
		if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(raw)); err != nil {
			t.Fatal(err)
		}
	})
	wantMails(t, "open without acknowledgement", got, "opened bob@desk.example")
}

// A desk's template override is used for its language; a broken one stops
// the start with its file and line.
func TestTemplateOverrides(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "en"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "en", "ack.txt.tmpl")
	write := func(body string) {
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := testConfig(t)
	cfg.Notify.Templates = dir
	write("{{define \"text\"}}{{.ReplyMarker}}\n\nWe have your mail: {{.Ref}}.\n{{end}}")
	d := startDesk(t, cfg, false)
	raw := "From: anna@client.example\nTo: support@desk.example\nSubject: printer\nMessage-ID: <o1@client.example>\n\nbroken\n"
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(raw)); err != nil {
		t.Fatal(err)
	}
	if text := lastText(t, queued(t, d.Store, templates.KindAck, "anna@client.example")); !strings.Contains(text, "We have your mail: TKT-1.") {
		t.Errorf("the override was not used:\n%s", text)
	}

	write("{{define \"text\"}}\nfine\n{{.Nope}}\n{{end}}")
	cfg.Database.Path = filepath.Join(t.TempDir(), "other.db")
	_, err := Start(context.Background(), cfg, testDeps(&fakeClock{}, &fakeDNS{}), listen(t))
	if err == nil || !strings.Contains(err.Error(), file+":3") {
		t.Fatalf("a broken override: %v, want an error naming %s:3", err, file)
	}
	cfg.Notify.Templates = filepath.Join(dir, "missing")
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "notify.templates") {
		t.Errorf("a missing folder: %v", err)
	}
}
