package gateway

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/templates"
	"postdesk/threading"
	"postdesk/ticket"
)

// commandDesk is a desk with an agent (bob), a customer organisation whose
// account manager is am@desk.example, and TKT-1 opened by anna with carl
// copied.
func commandDesk(t *testing.T, withRelay bool) *desk {
	t.Helper()
	cfg := testConfig(t)
	cfg.Users = []ticket.User{{Email: "bob@desk.example", Name: "Bob Agent", Role: ticket.RoleAgent},
		{Email: "anna@client.example", Name: "Anna", Org: "Client", Role: ticket.RoleCustomer}}
	cfg.Orgs = []ticket.Org{{Name: "Client", Domains: []string{"client.example"}, Manager: "am@desk.example"}}
	cfg.Desk.Participants = ticket.ParticipantsOrganisation
	d := startDesk(t, cfg, withRelay)
	open := "From: Anna <anna@client.example>\nTo: support@desk.example\nCc: carl@client.example\n" +
		"Subject: Severity 2 - Client - labels not printing\nMessage-ID: <c1@client.example>\n\nNo labels since 9:00.\n"
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(open)); err != nil {
		t.Fatal(err)
	}
	return d
}

// replyAddr is the reply address the desk gives who for ref: what their
// notifications carry in Reply-To.
func (d *desk) replyAddr(t *testing.T, ref, who string) string {
	t.Helper()
	secret, err := ReplySecret(context.Background(), d.Store, d.cfg, testDeps(d.clock, d.dns))
	if err != nil {
		t.Fatal(err)
	}
	return threading.ReplyAddress("support@desk.example", "+", ref, threading.ReplyToken(secret, ref, who))
}

// sendCommands sends a mail from `from` to rcpt whose new text is body, with
// a quoted notification below it as mail clients write replies, and returns
// the SMTP answer.
func sendCommands(t *testing.T, d *desk, from, rcpt, id, body string) string {
	t.Helper()
	raw := fmt.Sprintf("From: %s\nTo: %s\nSubject: Re: [TKT-1] labels not printing\nMessage-ID: <%s@x.example>\n\n%s\n\n"+
		"On Mon, 23 Nov 2026 at 09:00, postdesk <support@desk.example> wrote:\n> %s\n> Thank you\n", from, rcpt, id, body, parser.ReplyMarker)
	text, err := send(t, d.Addr(), from, []string{rcpt}, crlf(raw))
	if err != nil {
		t.Fatalf("mail %s: %v", id, err)
	}
	return text
}

// queued returns the outbox rows of kind to address to, oldest first.
func queued(t *testing.T, st *store.Store, kind, to string) []store.OutboxMail {
	t.Helper()
	all, err := st.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(all, func(o store.OutboxMail) bool { return o.Kind != kind || o.RcptTo != to })
}

func lastText(t *testing.T, rows []store.OutboxMail) string {
	t.Helper()
	if len(rows) == 0 {
		t.Fatal("no such mail was queued")
	}
	return rows[len(rows)-1].Text
}

// An agent's reply with commands changes the ticket; the customer and the
// participant receive the answer without the commands, the agent a
// transcript; an internal note reaches no customer.
func TestAgentCommandsAndAnswer(t *testing.T) {
	d := commandDesk(t, true)
	d.relay.wait(t) // anna's acknowledgement and bob's notice of the new ticket
	d.relay.wait(t)
	bob := d.replyAddr(t, "TKT-1", "bob@desk.example")
	sendCommands(t, d, "bob@desk.example", bob, "a1", "#assign me\n#status on hold\n\nWhich printer model is it?")
	tk := d.ticket(t, "TKT-1")
	if tk.Assignee != "bob@desk.example" || tk.Status != ticket.StatusWaitingCustomer {
		t.Fatalf("TKT-1 is %s, assignee %q", tk.Status, tk.Assignee)
	}
	got := map[string]relayed{}
	for range 3 {
		m := d.relay.wait(t)
		got[m.To[0]] = m
	}
	for _, who := range []string{"anna@client.example", "carl@client.example"} {
		m, ok := got[who]
		if !ok {
			t.Fatalf("%s got no answer; relay got %v", who, slices.Collect(maps.Keys(got)))
		}
		p, _ := parser.Parse(m.Data)
		if !strings.Contains(p.Text, "Which printer model is it?") || strings.Contains(p.Text, "#assign") ||
			strings.Contains(p.Text, "#status") || !strings.Contains(p.Text, "Bob Agent") {
			t.Errorf("answer to %s:\n%s", who, p.Text)
		}
		h := header(t, m.Data)
		if h.Get("Reply-To") != "<"+d.replyAddr(t, "TKT-1", who)+">" || h.Get("Auto-Submitted") != "" ||
			!strings.Contains(h.Get("References"), "<TKT-1@desk.example>") {
			t.Errorf("answer headers to %s: Reply-To %q Auto-Submitted %q References %q", who, h.Get("Reply-To"),
				h.Get("Auto-Submitted"), h.Get("References"))
		}
	}
	tr, _ := parser.Parse(got["bob@desk.example"].Data)
	if !strings.Contains(tr.Text, "> #assign me") || !strings.Contains(tr.Text, "done: TKT-1 is waiting_customer") {
		t.Errorf("transcript:\n%s", tr.Text)
	}

	sendCommands(t, d, "bob@desk.example", bob, "a2", "#note Anna called: it is a Zebra ZD420\n\nDriver 5.1 is too old for it.")
	if m := d.relay.wait(t); m.To[0] != "bob@desk.example" {
		t.Fatalf("an internal note was mailed to %v", m.To)
	}
	tk = d.ticket(t, "TKT-1")
	i := slices.IndexFunc(tk.Messages, func(m ticket.Message) bool { return strings.Contains(m.NewText, "Zebra") })
	if i < 0 || !tk.Messages[i].Internal {
		t.Errorf("the note is not kept as an internal message")
	}
	if n := len(queued(t, d.Store, templates.KindAnswer, "anna@client.example")); n != 1 {
		t.Errorf("anna was sent %d answers, want 1 (the note is internal)", n)
	}
	if !slices.ContainsFunc(tk.Events, func(e ticket.Event) bool { return e.Type == ticket.EventNote && strings.Contains(e.Reason, "Zebra") }) {
		t.Error("the note is not in the history")
	}
}

// The same commands with a forged From (no token, no DKIM) change nothing;
// the real agent is told, and the customer receives nothing.
func TestForgedAgentCommandsRefused(t *testing.T) {
	d := commandDesk(t, false)
	sendCommands(t, d, "bob@desk.example", "support@desk.example", "f1", "#status resolved\n\nAll fixed, closing.")
	tk := d.ticket(t, "TKT-1")
	if tk.Status != ticket.StatusNew {
		t.Fatalf("a forged command mail moved TKT-1 to %s", tk.Status)
	}
	if text := lastText(t, queued(t, d.Store, templates.KindTranscript, "bob@desk.example")); !strings.Contains(text, "could not prove") ||
		!strings.Contains(text, "Nothing of this mail's commands was applied") || strings.Contains(text, "TKT-1 is now") {
		t.Errorf("refusal transcript:\n%s", text)
	}
	if n := len(queued(t, d.Store, templates.KindAnswer, "anna@client.example")); n != 0 {
		t.Errorf("the forged answer reached the customer %d times", n)
	}
	if !slices.ContainsFunc(tk.Events, func(e ticket.Event) bool { return e.Type == ticket.EventCommands }) {
		t.Error("the refusal is not in the history")
	}
}

// A command mail signed with DKIM by the agent's domain, verified through
// the (injected) DNS, is accepted without a reply token.
func TestDKIMSignedCommandsAccepted(t *testing.T) {
	d := commandDesk(t, false)
	raw := crlf("From: Bob <bob@desk.example>\nTo: support@desk.example\nSubject: Re: [TKT-1] labels not printing\n" +
		"Date: Mon, 23 Nov 2026 10:00:00 +0000\nMessage-ID: <k1@desk.example>\n\n#severity 1\n#status in progress\n\nOn it.\n")
	signed, name, record := signDKIM(t, raw, "desk.example", "s1")
	d.dns.Set(name, record)
	if _, err := send(t, d.Addr(), "bob@desk.example", []string{"support@desk.example"}, signed); err != nil {
		t.Fatal(err)
	}
	tk := d.ticket(t, "TKT-1")
	if tk.Severity != 1 || tk.Status != ticket.StatusInProgress {
		t.Fatalf("TKT-1 is %s, severity %d, want in_progress, 1", tk.Status, tk.Severity)
	}
	if n := len(queued(t, d.Store, templates.KindAnswer, "anna@client.example")); n != 1 {
		t.Errorf("anna got %d answers, want 1", n)
	}
	// The same signed mail with its body changed proves nothing.
	tampered := []byte(strings.Replace(string(signed), "#severity 1", "#severity 3", 1))
	tampered = []byte(strings.Replace(string(tampered), "<k1@desk.example>", "<k2@desk.example>", 1))
	if _, err := send(t, d.Addr(), "bob@desk.example", []string{"support@desk.example"}, tampered); err != nil {
		t.Fatal(err)
	}
	if tk := d.ticket(t, "TKT-1"); tk.Severity != 1 {
		t.Fatalf("a tampered signed mail changed the severity to %d", tk.Severity)
	}
}

// One bad line refuses the whole block, with a sentence for each.
func TestMixedCommandsChangeNothing(t *testing.T) {
	d := commandDesk(t, false)
	bob := d.replyAddr(t, "TKT-1", "bob@desk.example")
	sendCommands(t, d, "bob@desk.example", bob, "m1", "#assign me\n#severity 12\n#frobnicate\n\nDone.")
	tk := d.ticket(t, "TKT-1")
	if tk.Assignee != "" || tk.Severity != 2 || tk.Status != ticket.StatusNew {
		t.Fatalf("a refused block changed TKT-1: %+v", tk)
	}
	text := lastText(t, queued(t, d.Store, templates.KindTranscript, "bob@desk.example"))
	for _, want := range []string{"> #assign me\nnot applied", "severity must be a number from 1 to 9", "Nothing of this mail's commands was applied",
		"Your answer was not sent"} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q:\n%s", want, text)
		}
	}
	if n := len(queued(t, d.Store, templates.KindAnswer, "anna@client.example")); n != 0 {
		t.Errorf("the answer of a refused mail was relayed")
	}
}

// signedBy signs raw for domain and publishes the key in the desk's DNS.
func (d *desk) signedBy(t *testing.T, raw []byte, domain string) []byte {
	t.Helper()
	signed, name, record := signDKIM(t, raw, domain, "s1")
	d.dns.Set(name, record)
	return signed
}

// The control address takes commands for several tickets, all or nothing.
func TestControlAddress(t *testing.T) {
	d := commandDesk(t, false)
	second := "From: anna@client.example\nTo: support@desk.example\nSubject: scanner offline\nMessage-ID: <c2@client.example>\n\nScanner 3 is offline.\n"
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(second)); err != nil {
		t.Fatal(err)
	}
	control := func(id, body string) error {
		raw := crlf("From: bob@desk.example\nTo: control@desk.example\nSubject: morning round\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n" +
			"Message-ID: <" + id + "@desk.example>\n\n" + body)
		_, err := send(t, d.Addr(), "bob@desk.example", []string{"control@desk.example"}, d.signedBy(t, raw, "desk.example"))
		return err
	}
	// A bad line in the second group keeps the first group from applying too.
	if err := control("r1", "Good morning,\n#ticket TKT-1\n#assign me\n#ticket TKT-2\n#severity 0\n#thanks\n"); err != nil {
		t.Fatal(err)
	}
	if tk := d.ticket(t, "TKT-1"); tk.Assignee != "" {
		t.Fatalf("TKT-1 was assigned although the mail's other command was refused")
	}
	if text := lastText(t, queued(t, d.Store, templates.KindTranscript, "bob@desk.example")); !strings.Contains(text, "severity must be") {
		t.Errorf("transcript:\n%s", text)
	}
	if err := control("r2", "Good morning,\n#ticket TKT-1\n#assign me\n#status in progress\n#ticket TKT-2\n#severity 1\n#link TKT-1\n#thanks\n#cancel\n-- \nBob\n"); err != nil {
		t.Fatal(err)
	}
	one, two := d.ticket(t, "TKT-1"), d.ticket(t, "TKT-2")
	if one.Assignee != "bob@desk.example" || one.Status != ticket.StatusInProgress || two.Severity != 1 ||
		two.Status != ticket.StatusNew || !slices.Contains(two.Linked, "TKT-1") || !slices.Contains(one.Linked, "TKT-2") {
		t.Fatalf("after the control mail: TKT-1 %s/%s linked %v, TKT-2 %s severity %d linked %v",
			one.Status, one.Assignee, one.Linked, two.Status, two.Severity, two.Linked)
	}
	text := lastText(t, queued(t, d.Store, templates.KindTranscript, "bob@desk.example"))
	if !strings.Contains(text, "All commands were applied") || !strings.Contains(text, "TKT-2 is now new") || strings.Contains(text, "#cancel") {
		t.Errorf("transcript:\n%s", text)
	}
	// Naming no existing ticket is refused at once, with the reason.
	err := control("r3", "#ticket TKT-99\n#status\n")
	if smtpCode(err) != "550 5.7.1" || !strings.Contains(err.Error(), "TKT-99") {
		t.Fatalf("control mail for a missing ticket: %v", err)
	}
}

// Each customer command, sent as a reply to the customer's own reply
// address (the proof a notification carries).
func TestCustomerCommands(t *testing.T) {
	d := commandDesk(t, false)
	anna := d.replyAddr(t, "TKT-1", "anna@client.example")
	carl := d.replyAddr(t, "TKT-1", "carl@client.example")

	sendCommands(t, d, "anna@client.example", anna, "u1", "#share dora@client.example\n#share eve@elsewhere.example")
	if tk := d.ticket(t, "TKT-1"); slices.Contains(tk.Participants, "dora@client.example") {
		t.Fatal("a share was applied although the other was refused")
	}
	if text := lastText(t, queued(t, d.Store, templates.KindTranscript, "anna@client.example")); !strings.Contains(text, "is not of Client") {
		t.Errorf("share refusal:\n%s", text)
	}
	sendCommands(t, d, "anna@client.example", anna, "u2", "#share dora@client.example\n#escalate all orders are affected")
	tk := d.ticket(t, "TKT-1")
	if !slices.Contains(tk.Participants, "dora@client.example") || tk.Escalated == nil || tk.EscalationReason != "all orders are affected" {
		t.Fatalf("after share and escalate: %+v", tk)
	}
	if text := lastText(t, queued(t, d.Store, templates.KindEscalation, "am@desk.example")); !strings.Contains(text, "all orders are affected") {
		t.Errorf("the account manager's mail:\n%s", text)
	}
	sendCommands(t, d, "carl@client.example", carl, "u3", "#unshare dora@client.example")
	if text := lastText(t, queued(t, d.Store, templates.KindTranscript, "carl@client.example")); !strings.Contains(text, "you may remove yourself") {
		t.Errorf("carl's unshare:\n%s", text)
	}
	sendCommands(t, d, "carl@client.example", carl, "u4", "#status\n#list")
	text := lastText(t, queued(t, d.Store, templates.KindTranscript, "carl@client.example"))
	for _, want := range []string{"TKT-1 is new", "Tickets you opened (0)", "Tickets you take part in (1)", "TKT-1      new"} {
		if !strings.Contains(text, want) {
			t.Errorf("status and list lack %q:\n%s", want, text)
		}
	}

	d.set(t, "TKT-1", ticket.Change{Status: ticket.StatusResolved})
	sendCommands(t, d, "carl@client.example", carl, "u5", "#retest failed\n\nStill no labels on printer 2.")
	wantState(t, d.ticket(t, "TKT-1"), ticket.StatusInProgress, "")
	d.set(t, "TKT-1", ticket.Change{Status: ticket.StatusResolved})
	sendCommands(t, d, "anna@client.example", anna, "u6", "#resolved")
	wantState(t, d.ticket(t, "TKT-1"), ticket.StatusClosed, ticket.ResolutionConfirmedByCustomer)

	second := "From: anna@client.example\nTo: support@desk.example\nSubject: toner low\nMessage-ID: <c3@client.example>\n\nToner.\n"
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(second)); err != nil {
		t.Fatal(err)
	}
	sendCommands(t, d, "anna@client.example", d.replyAddr(t, "TKT-2", "anna@client.example"), "u7", "#cancel found a spare cartridge")
	wantState(t, d.ticket(t, "TKT-2"), ticket.StatusCancelled, ticket.ResolutionCancelled)
}

// German words where the desk speaks German.
func TestCommandWordsOfTheDesk(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.CommandLanguages = []string{"de"}
	d := startDesk(t, cfg, false)
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	d.set(t, "TKT-1", ticket.Change{Status: ticket.StatusResolved})
	sendCommands(t, d, "anna@client.example", d.replyAddr(t, "TKT-1", "anna@client.example"), "g1", "#Nachtest nicht erfolgreich")
	wantState(t, d.ticket(t, "TKT-1"), ticket.StatusInProgress, "")
}

// A stranger who names a ticket in the subject cannot append to it nor hear
// of it: the mail opens a new ticket, or is refused where the desk says so.
func TestStrangerNamingATicket(t *testing.T) {
	d := commandDesk(t, false)
	raw := crlf("From: mallory@evil.example\nTo: support@desk.example\nSubject: Re: [TKT-1] labels not printing\n" +
		"In-Reply-To: <c1@client.example>\nMessage-ID: <e1@evil.example>\n\n#status\n#cancel\n")
	text, err := send(t, d.Addr(), "mallory@evil.example", []string{"support@desk.example"}, raw)
	if err != nil || !strings.Contains(text, "TKT-2") {
		t.Fatalf("stranger's mail: %q %v, want a new ticket TKT-2", text, err)
	}
	if tk := d.ticket(t, "TKT-1"); mailsIn(tk) != 1 || tk.Status != ticket.StatusNew {
		t.Fatalf("TKT-1 changed: %d mails in, %s", mailsIn(tk), tk.Status)
	}
	all, _ := d.Store.Outbox(context.Background())
	for _, o := range all {
		if o.RcptTo == "mallory@evil.example" && (o.Ref != "TKT-2" || strings.Contains(o.Text, "TKT-1 is")) {
			t.Errorf("the stranger was sent mail of %s:\n%s", o.Ref, o.Text)
		}
	}

	cfg := d.cfg
	cfg.Desk.Strangers = StrangersRefuse
	cfg.Database.Path = t.TempDir() + "/refuse.db"
	r := startDesk(t, cfg, false)
	if _, err := send(t, r.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	_, err = send(t, r.Addr(), "mallory@evil.example", []string{"support@desk.example"}, raw)
	if smtpCode(err) != "550 5.7.1" || !strings.Contains(err.Error(), "does not take part") {
		t.Fatalf("strangers = refuse: %v, want 550 5.7.1", err)
	}
}

// An agent's plain answer (no commands) sent through the authenticated
// submission listener is relayed to the customer; the same answer on the
// public listener, unproven, is kept and not relayed.
func TestSubmittedAnswerRelayed(t *testing.T) {
	d := startSubmissionDesk(t, map[ticket.User]string{agent: "agent secret"})
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	answer := func(id string) []byte {
		return crlf("From: agent@desk.example\nTo: support@desk.example\nSubject: Re: [TKT-1] labels not printing\n" +
			"Message-ID: <" + id + "@desk.example>\n\nPlease restart the print spooler.\n")
	}
	if _, err := send(t, d.Addr(), "agent@desk.example", []string{"support@desk.example"}, answer("p1")); err != nil {
		t.Fatal(err)
	}
	if n := len(queued(t, d.Store, templates.KindAnswer, "anna@client.example")); n != 0 {
		t.Fatalf("an unproven answer was relayed")
	}
	if text := lastText(t, queued(t, d.Store, templates.KindTranscript, "agent@desk.example")); !strings.Contains(text, "not sent to the customer") {
		t.Errorf("the agent was not told:\n%s", text)
	}
	if _, err := d.submit(t, &login{agent.Email, "agent secret"}, agent.Email, []string{"support@desk.example"}, answer("p2")); err != nil {
		t.Fatal(err)
	}
	if text := lastText(t, queued(t, d.Store, templates.KindAnswer, "anna@client.example")); !strings.Contains(text, "restart the print spooler") {
		t.Errorf("relayed answer:\n%s", text)
	}
}

// A trusted MTA's Authentication-Results proves the sender; the same header
// with another authserv-id proves nothing.
func TestTrustedAuthenticationResults(t *testing.T) {
	cfg := testConfig(t)
	cfg.Users = []ticket.User{{Email: "bob@desk.example", Role: ticket.RoleAgent}}
	cfg.Desk.TrustedAuthservIDs = []string{"mx.desk.example"}
	d := startDesk(t, cfg, false)
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		authserv string
		want     ticket.Status
	}{{"mx.evil.example", ticket.StatusNew}, {"mx.desk.example", ticket.StatusInProgress}} {
		raw := crlf(fmt.Sprintf("Authentication-Results: %s; dkim=pass header.d=desk.example; dmarc=pass header.from=desk.example\n"+
			"From: bob@desk.example\nTo: support@desk.example\nSubject: Re: [TKT-1] labels\nMessage-ID: <ar%d@desk.example>\n\n#status in progress\n",
			tc.authserv, i))
		if _, err := send(t, d.Addr(), "bob@desk.example", []string{"support@desk.example"}, raw); err != nil {
			t.Fatal(err)
		}
		if got := d.ticket(t, "TKT-1").Status; got != tc.want {
			t.Errorf("Authentication-Results from %s: TKT-1 is %s, want %s", tc.authserv, got, tc.want)
		}
	}
}

// mailsIn counts the mails a ticket received.
func mailsIn(tk ticket.Ticket) int {
	n := 0
	for _, m := range tk.Messages {
		if m.Direction == ticket.In {
			n++
		}
	}
	return n
}

// A stranger's control mail naming someone else's ticket learns nothing of
// it: not in the SMTP reply, not in the transcript's subject or text.
func TestControlMailOfAStranger(t *testing.T) {
	d := commandDesk(t, false)
	raw := crlf("From: mallory@evil.example\nTo: control@desk.example\nSubject: hi\nMessage-ID: <x1@evil.example>\n\n#ticket TKT-1\n#status\n#thanks\n")
	text, err := send(t, d.Addr(), "mallory@evil.example", []string{"control@desk.example"}, raw)
	if err != nil || strings.Contains(text, "TKT-1") {
		t.Fatalf("SMTP reply to the stranger: %q, %v", text, err)
	}
	rows := queued(t, d.Store, templates.KindTranscript, "mallory@evil.example")
	if len(rows) != 1 {
		t.Fatalf("%d transcripts to the stranger, want 1", len(rows))
	}
	if o := rows[0]; strings.Contains(o.Subject, "labels") || strings.Contains(o.Text, "labels not printing") ||
		strings.Contains(o.HTML, "labels not printing") {
		t.Errorf("the stranger's transcript tells the ticket's summary:\n%s\n%s", o.Subject, o.Text)
	}
}
